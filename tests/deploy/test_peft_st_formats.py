"""LoRA and prompt-tuning runs in PEFT's own format and ``xlt export --format sentence-transformers``: the
standard libraries load them and compute what xlt computes."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

import xlt

from tests.deploy.helpers import deploy_toy_rows
from tests.helpers import write_jsonl

TEXTS = ["red cat", "the blue house", "rot hund", "le chat rouge"]


def toy_run(tiny_model: Path, root: Path, strategy: dict) -> Path:
    """The deploy tests' toy run (``tiny_run``) with ``strategy`` and a few steps."""
    from xlt.finetune.config import TrainConfig
    from xlt.finetune.train import train

    for lang in ("en", "de", "fr"):
        write_jsonl(root / "toy" / f"{lang}.jsonl", deploy_toy_rows(lang))
    config = TrainConfig.validated({
        "name": f"toy-{strategy['name']}", "output_dir": str(root / "runs"),
        "model": {"name": str(tiny_model), "max_length": 32},
        "data": {"pool": {"format": "jsonl", "path": str(root / "toy" / "{lang}.jsonl"),
                          "languages": ["en", "de", "fr"]},
                 "split": {"train": 0.5, "dev": 0.25, "test": 0.25, "seed": 0}, "source_languages": ["en"]},
        "strategy": strategy,
        "training": {"epochs": 1, "batch_size": 4, "learning_rate": 1e-2},
        "evaluation": {"bootstrap_resamples": 20, "baselines": []},
    })
    return train(config).root


@pytest.fixture(scope="module")
def lora_run(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return toy_run(tiny_model, tmp_path_factory.mktemp("lora"), {"name": "lora", "rank": 4})


@pytest.fixture(scope="module")
def prompt_run(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return toy_run(tiny_model, tmp_path_factory.mktemp("prompt"), {"name": "prompt", "num_virtual_tokens": 4})


@pytest.mark.parametrize("run_fixture", ["lora_run", "prompt_run"])
def test_a_peft_run_loads_with_peft_and_predicts_as_xlt(run_fixture, request):
    from peft import PeftModel

    from xlt.finetune.tasks import get_task
    from xlt.model.card import ModelCard
    from xlt.model.loader import load_encoder, load_tokenizer
    from xlt.model.saved import spec_of

    run = request.getfixturevalue(run_fixture)
    folder = run / "model"
    assert (folder / "adapter_config.json").is_file() and (folder / "adapter_model.safetensors").is_file()
    assert "classifier" in json.loads((folder / "adapter_config.json").read_text())["modules_to_save"]
    # as the lora module's docstring says a user builds the base model with its head
    card, delta = ModelCard.read(folder), json.loads((folder / "xlt_delta.json").read_text())
    spec = spec_of(delta["base_model"], card)
    base = get_task(card.task).build_model(load_encoder(spec), delta["labels"])
    model = PeftModel.from_pretrained(base, folder).eval()
    tokenizer = load_tokenizer(spec)
    batch = tokenizer(spec.apply_prefix(TEXTS), padding=True, truncation=True, max_length=spec.resolved_max_length(),
                      return_tensors="pt")
    with torch.no_grad():
        probs = model(**batch).logits.softmax(-1).numpy()
    predictions = xlt.load(run, device="cpu", dtype="float32").predict(TEXTS)
    labels = delta["labels"]
    ours = np.array([[p.scores[label] for label in labels] for p in predictions])
    assert float(np.abs(ours - probs).max()) < 1e-5
    assert [p.label for p in predictions] == [labels[i] for i in probs.argmax(-1)]


def test_the_model_card_peft_recipe_runs_as_written(lora_run):
    folder = lora_run / "model"
    card = (folder / "README.md").read_text()
    recipe = card.split("PEFT puts them on the base model", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict = {}
    exec(recipe.replace('"path/to/model"', repr(str(folder))), namespace)  # the card's snippet, unchanged
    tokenizer = xlt.load(folder).saved.tokenizer
    batch = tokenizer(TEXTS, padding=True, return_tensors="pt")
    with torch.no_grad():
        labels = namespace["model"](**batch).logits.argmax(-1).tolist()
    assert [p.label for p in xlt.load(folder, device="cpu", dtype="float32").predict(TEXTS)] == \
        [json.loads((folder / "xlt_delta.json").read_text())["labels"][i] for i in labels]


def _xlt_vectors(folder_or_name: str, texts: list[str]) -> np.ndarray:
    from xlt.model.embed import embed_texts
    from xlt.model.loader import load_encoder, load_tokenizer
    from xlt.model.spec import ModelSpec
    from xlt.model.st_modules import SentenceVectors

    spec = ModelSpec(name=folder_or_name)
    encoder, tokenizer = load_encoder(spec), load_tokenizer(spec)
    return embed_texts(encoder, tokenizer, spec.apply_prefix(texts), batch_size=4,
                       max_length=spec.resolved_max_length(), vectors=SentenceVectors.for_spec(spec, tokenizer))


@pytest.mark.parametrize("run_fixture", ["lora_run", "tiny_run"])
def test_sentence_transformers_export_encodes_as_the_run_encoder(run_fixture, request):
    st = pytest.importorskip("sentence_transformers")
    from xlt.deploy.export import export_variant
    from xlt.model.embed import embed_texts
    from xlt.model.parts import encoder_of

    run = request.getfixturevalue(run_fixture)
    folder = export_variant(run, "sentence-transformers")
    assert folder.name == "sentence-transformers" and (folder / "modules.json").is_file()
    assert json.loads((folder / "sentence_bert_config.json").read_text())["max_seq_length"] == 32
    expected = st.SentenceTransformer(str(folder), device="cpu").encode(TEXTS, convert_to_numpy=True)
    # the run's merged encoder pooled as its classifier pools
    saved = xlt.load(run, device="cpu", dtype="float32").load().saved
    merged = encoder_of(saved.strategy.merge(saved.model) if saved.strategy else saved.model)
    pooled = embed_texts(merged, saved.tokenizer, saved.spec.apply_prefix(TEXTS), max_length=32,
                         pooling=saved.spec.resolved_pooling())
    assert float(np.abs(pooled - expected).max()) < 1e-5
    assert float(np.abs(_xlt_vectors(str(folder), TEXTS) - expected).max()) < 1e-5


def test_sentence_transformers_export_refuses_a_prompt_run(prompt_run):
    from xlt.deploy.export import export_variant
    from xlt.errors import ConfigError

    with pytest.raises(ConfigError, match="needs a plain encoder: prompt tuning cannot be merged"):
        export_variant(prompt_run, "sentence-transformers")
    assert not (prompt_run / "exports" / "sentence-transformers").exists()


def test_without_sentence_transformers_the_files_are_written_by_hand(tiny_run, tmp_path, monkeypatch):
    st = pytest.importorskip("sentence_transformers")
    from xlt.deploy.export import export_variant

    written = export_variant(tiny_run, "sentence-transformers", output=tmp_path / "by-st")
    with monkeypatch.context() as patch:
        patch.setitem(sys.modules, "sentence_transformers", None)  # import fails as if not installed
        by_hand = export_variant(tiny_run, "sentence-transformers", output=tmp_path / "by-hand")
    assert json.loads((by_hand / "modules.json").read_text())[1]["type"] == "sentence_transformers.models.Pooling"
    vectors = [st.SentenceTransformer(str(folder), device="cpu").encode(TEXTS, convert_to_numpy=True)
               for folder in (written, by_hand)]
    assert float(np.abs(vectors[0] - vectors[1]).max()) < 1e-6
