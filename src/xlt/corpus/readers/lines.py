"""Read a text file line by line as UTF-8, naming the line and byte of any bad byte.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
>>> _ = p.write_bytes(b"ok\\n\\xff\\n")
>>> list(numbered_lines(p))
Traceback (most recent call last):
...
xlt.errors.DataError: ...a.txt:2: not UTF-8: byte 0xff at byte offset 3 of the file (column 1 of line 2); ...
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from xlt.errors import DataError


def open_binary(path: str | Path) -> BinaryIO:
    """Open ``path`` for reading bytes; a missing or unreadable file is a :class:`DataError`.

    >>> open_binary("/no/such/file.tsv")
    Traceback (most recent call last):
    ...
    xlt.errors.DataError: /no/such/file.tsv: file not found
    """
    try:
        return Path(path).open("rb")  # noqa: SIM115 (the caller closes it)
    except FileNotFoundError:
        raise DataError("file not found", path=path) from None
    except IsADirectoryError:
        raise DataError("is a folder, not a file", path=path) from None
    except OSError as e:
        raise DataError(f"cannot open the file: {e.strerror}", path=path) from None


def numbered_lines(path: str | Path) -> Iterator[tuple[int, str]]:
    """Yield ``(1-based line number, line)`` with the line ending kept; a UTF-8 BOM is dropped.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "b.txt"
    >>> _ = p.write_text("x\\ny", encoding="utf-8")
    >>> list(numbered_lines(p))
    [(1, 'x\\n'), (2, 'y')]
    """
    with open_binary(path) as f:
        offset = 0
        for lineno, raw in enumerate(f, start=1):
            if lineno == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8):]
                offset += len(codecs.BOM_UTF8)
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                raise DataError(
                    f"not UTF-8: byte 0x{raw[e.start]:02x} at byte offset {offset + e.start} of the file "
                    f"(column {e.start + 1} of line {lineno}); save the file as UTF-8",
                    path=path, line=lineno) from None
            offset += len(raw)
            yield lineno, text
