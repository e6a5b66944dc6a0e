"""Every strategy, every task: a trained model saved and loaded back predicts exactly the same.

Parameter-efficient strategies save only their trained weights (plus a pointer to the base model);
the others save a plain transformers folder. Also: LoRA merges, adapters and prompts refuse to.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from xlt.errors import ConfigError
from xlt.finetune.load import load_saved
from xlt.finetune.save import DELTA_FILE, DELTA_WEIGHTS, save_delta, save_model
from xlt.finetune.strategies import STRATEGIES, make_strategy
from xlt.finetune.tasks import get_task
from xlt.model.loader import load_encoder
from xlt.model.spec import ModelSpec
from xlt.pretrain.language_adapter import train_language_adapter

from tests.finetune.helpers import TEXTS

LABELS = {"classification": ["a", "b", "c"], "tagging": ["B-PER", "I-PER", "O"], "qa": []}


@pytest.fixture(scope="module")
def language_adapters(tiny_model: Path, tmp_path_factory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("lang-adapters")
    texts = {"en": ["the big red dog", "a cat in the house", "the sun and the moon"],
             "de": ["der hund", "die katze im haus", "die sonne und der mond"]}
    return {lang: str(train_language_adapter(str(tiny_model), t, lang, root / lang, max_steps=3, batch_size=2))
            for lang, t in texts.items()}


def strategy_spec(name: str, adapters: dict[str, str]) -> dict:
    if name == "madx":
        return {"name": "madx", "source_language": "en", "language_adapters": adapters, "reduction_factor": 4}
    return {"name": name, **({"num_virtual_tokens": 3} if name == "prompt" else {})}


def outputs(model, batch) -> torch.Tensor:
    with torch.no_grad():
        out = model.eval()(**batch)
    return out.start_logits if "start_logits" in out else out.logits


def test_every_registered_strategy_is_covered() -> None:
    assert set(STRATEGIES) == {"full", "freeze", "top", "lora", "adapter", "madx", "prompt"}


@pytest.mark.parametrize("task_name", ["classification", "tagging", "qa"])
@pytest.mark.parametrize("name", ["full", "freeze", "top", "lora", "adapter", "madx", "prompt"])
def test_saved_run_predicts_the_same_after_reload(name, task_name, tiny_model, tiny_tokenizer, language_adapters,
                                                  tmp_path) -> None:
    spec = ModelSpec(name=str(tiny_model), max_length=32)
    task = get_task(task_name)
    labels = LABELS[task_name]
    strategy = make_strategy(strategy_spec(name, language_adapters))
    torch.manual_seed(1)
    model = strategy.apply(task.build_model(load_encoder(spec), labels))
    with torch.no_grad():  # as if trained: every trainable weight moved
        for p in model.parameters():
            if p.requires_grad:
                p.add_(torch.randn_like(p) * 0.2)
    batch = tiny_tokenizer(TEXTS, padding=True, return_tensors="pt")
    expected = outputs(model, batch)
    if name == "madx":
        strategy.activate_language(model, "de")
        expected_de = outputs(model, batch)
        assert not torch.allclose(expected, expected_de)  # the language adapter matters
        strategy.activate_language(model, "en")

    target = tmp_path / "model"
    if strategy.saves_delta:
        save_delta(model, strategy, target, spec=spec, task=task_name, labels=labels, source_languages=["en"])
        assert not (target / "model.safetensors").exists() and (target / DELTA_WEIGHTS).is_file()
        delta = json.loads((target / DELTA_FILE).read_text())
        assert delta["base_model"] == str(tiny_model)
        trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
        total = sum(p.numel() for p in model.parameters())
        assert trainable <= delta["parameters"] < total / 2  # only the trained parts (+ language adapters)
    else:
        save_model(strategy.export(model), tiny_tokenizer, target, spec=spec, task=task_name,
                   source_languages=["en"])

    saved = load_saved(target)
    torch.testing.assert_close(outputs(saved.model, batch), expected, atol=1e-5, rtol=1e-5)
    if name == "madx":
        saved.activate_language("de")
        torch.testing.assert_close(outputs(saved.model, batch), expected_de, atol=1e-5, rtol=1e-5)
        with pytest.raises(ConfigError, match="no language adapter for test language 'fr'"):
            saved.activate_language("fr")


@pytest.mark.parametrize("name", ["adapter", "madx", "prompt"])
def test_adapters_and_prompts_refuse_to_merge(name, make_classifier, language_adapters) -> None:
    strategy = make_strategy(strategy_spec(name, language_adapters))
    with pytest.raises(ConfigError, match="cannot be merged"):
        strategy.merge(strategy.apply(make_classifier()))


def test_merged_lora_run_is_a_plain_model_with_the_same_predictions(make_classifier, tiny_model, tiny_tokenizer,
                                                                    tmp_path) -> None:
    from xlt.finetune.load import merge_saved

    spec = ModelSpec(name=str(tiny_model), max_length=32)
    strategy = make_strategy({"name": "lora", "rank": 4})
    model = strategy.apply(get_task("classification").build_model(load_encoder(spec), LABELS["classification"]))
    with torch.no_grad():
        for p in model.parameters():
            if p.requires_grad:
                p.add_(torch.randn_like(p) * 0.2)
    batch = tiny_tokenizer(TEXTS, padding=True, return_tensors="pt")
    expected = outputs(model, batch)
    save_delta(model, strategy, tmp_path / "model", spec=spec, task="classification",
               labels=LABELS["classification"], source_languages=["en"])
    merged = merge_saved(tmp_path / "model", tmp_path / "merged")
    assert (merged / "config.json").is_file() and not (merged / DELTA_FILE).exists()
    plain = load_saved(merged)
    assert plain.strategy is None
    torch.testing.assert_close(outputs(plain.model, batch), expected, atol=1e-5, rtol=1e-4)
