"""A pretrained folder loads with ``SentenceTransformer(path)`` and encodes as xlt's sentence vectors: the
run's prefix is the default prompt, its pooling the Pooling module's."""

from __future__ import annotations

import json

import numpy as np
import pytest

from xlt.pretrain import pretrain

from tests.pretrain.test_run import tiny_config

TEXTS = ["the red cat", "die blaue katze", "le chat", "a"]


@pytest.mark.parametrize(("pooling", "mode"), [("cls", "cls"), ("last", "lasttoken")])
def test_pretrained_folder_encodes_with_sentence_transformers_as_with_xlt(tmp_path, tiny_model, pooling, mode):
    st = pytest.importorskip("sentence_transformers")
    from xlt.model.embed import embed_texts
    from xlt.model.loader import load_encoder, load_tokenizer
    from xlt.model.spec import ModelSpec

    config = tiny_config(tmp_path, tiny_model, {"mlm": 1.0}, max_steps=2, save_steps=2)
    config = config.model_copy(update={"model": ModelSpec(name=str(tiny_model), max_length=32, prefix="query: ",
                                                          pooling=pooling)})
    folder = pretrain(config).model_dir
    assert json.loads((folder / "1_Pooling" / "config.json").read_text())["pooling_mode"] == mode
    model = st.SentenceTransformer(str(folder), device="cpu")
    assert model.max_seq_length == 32
    expected = model.encode(TEXTS, batch_size=4, convert_to_numpy=True)  # the default prompt "query: " applies
    spec = ModelSpec(name=str(folder))
    assert (spec.resolved_prefix(), spec.resolved_pooling()) == ("query: ", pooling)
    ours = embed_texts(load_encoder(spec), load_tokenizer(spec), spec.apply_prefix(TEXTS), batch_size=4,
                       max_length=spec.resolved_max_length())
    assert float(np.abs(ours - expected).max()) < 1e-5
