"""numbered_lines: UTF-8 line reading with precise positions of bad bytes."""

from __future__ import annotations

import pytest

from xlt.corpus.readers.lines import numbered_lines
from xlt.errors import DataError


def test_lines_keep_endings_and_drop_bom(write):
    p = write("a.txt", b"\xef\xbb\xbfone\r\ntwo\n")
    assert list(numbered_lines(p)) == [(1, "one\r\n"), (2, "two\n")]


def test_bad_byte_position_counts_bom_and_previous_lines(write):
    p = write("a.txt", b"\xef\xbb\xbfab\ncd\x80\n")
    with pytest.raises(DataError) as e:
        list(numbered_lines(p))
    assert e.value.line == 2 and "byte 0x80 at byte offset 8" in str(e.value)


def test_folder_is_not_a_file(tmp_path):
    with pytest.raises(DataError, match="is a folder"):
        list(numbered_lines(tmp_path))
