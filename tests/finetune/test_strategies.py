"""Transfer strategies: which parameters train, the counts, config errors, and LoRA's merged export."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from torch import nn

from xlt.errors import ConfigError
from xlt.finetune.strategies import STRATEGIES, make_strategy, parameter_counts
from xlt.finetune.strategies.freeze import FreezeConfig
from xlt.model.heads.mean_pool_classifier import MeanPoolingForSequenceClassification

from tests.finetune.helpers import TEXTS

EMB = "encoder.embeddings."
LAYER = "encoder.encoder.layer.{}."


def trainable(model: nn.Module) -> set[str]:
    return {n for n, p in model.named_parameters() if p.requires_grad}


def names(model: nn.Module, prefix: str) -> set[str]:
    return {n for n, _ in model.named_parameters() if n.startswith(prefix)}


def numel(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def test_full_trains_everything(make_classifier) -> None:
    model = make_classifier()
    make_strategy({"name": "freeze", "layers": 2}).apply(model)  # whatever was frozen before
    out = make_strategy("full").apply(model)
    assert out is model
    assert trainable(model) == {n for n, _ in model.named_parameters()}
    assert parameter_counts(model) == (numel(model), numel(model))


def test_freeze_embeddings_only_by_default(make_classifier) -> None:
    model = make_classifier()
    make_strategy("freeze").apply(model)
    frozen = {n for n, _ in model.named_parameters()} - trainable(model)
    assert frozen == names(model, EMB) and frozen
    assert parameter_counts(model) == (numel(model) - numel(model.encoder.embeddings), numel(model))


def test_freeze_embeddings_and_bottom_layers(make_classifier) -> None:
    model = make_classifier()
    make_strategy({"name": "freeze", "layers": 1}).apply(model)
    assert trainable(model) == names(model, LAYER.format(1)) | names(model, "classifier.")
    assert {"classifier.weight", "classifier.bias"} <= trainable(model)


def test_freeze_layers_but_not_embeddings(make_classifier) -> None:
    model = make_classifier()
    make_strategy({"name": "freeze", "embeddings": False, "layers": 1}).apply(model)
    assert trainable(model) == (names(model, EMB) | names(model, LAYER.format(1)) | names(model, "classifier."))


@pytest.mark.parametrize(("layers", "expected_layers"), [(0, []), (1, [1]), (2, [0, 1]), (5, [0, 1])])
def test_top_layers(make_classifier, layers: int, expected_layers: list[int]) -> None:
    model = make_classifier()
    make_strategy({"name": "top", "layers": layers}).apply(model)
    expected = names(model, "classifier.").union(*(names(model, LAYER.format(i)) for i in expected_layers))
    assert trainable(model) == expected
    blocks = model.encoder.encoder.layer
    assert parameter_counts(model)[0] == numel(model.classifier) + sum(numel(blocks[i]) for i in expected_layers)


def test_lora_trains_adapters_and_head_only(make_classifier) -> None:
    model = make_classifier()
    base_total = numel(model)
    peft_model = make_strategy({"name": "lora", "rank": 4}).apply(model)
    train = trainable(peft_model)
    assert train
    assert all(("lora_A" in n or "lora_B" in n or "classifier.modules_to_save" in n) for n in train), train
    lora = {n for n, _ in peft_model.named_parameters() if "lora_" in n}
    assert lora <= train
    for module in ("query", "key", "value", "attention.output.dense", "intermediate.dense", "output.dense"):
        assert any(f"{module}.lora_A" in n for n in lora), module
    assert any("classifier.modules_to_save" in n and n.endswith("weight") for n in train)
    n_train, total = parameter_counts(peft_model)
    # rank 4 on 6 matrices per layer of 32x32 or 32x64 (+ the 3x32 head copy)
    per_layer = 4 * ((32 + 32) * 4 + (32 + 64) * 2)
    assert n_train == 2 * per_layer + (32 * 3 + 3)
    assert total == base_total + n_train


def test_lora_export_merges_into_a_plain_model(make_classifier, tiny_tokenizer, tmp_path: Path) -> None:
    from xlt.finetune.load import load_saved
    from xlt.finetune.save import save_model
    from xlt.model.spec import ModelSpec

    model = make_classifier()
    batch = tiny_tokenizer(TEXTS, padding=True, return_tensors="pt")
    with torch.no_grad():
        before = model(**batch).logits
    strategy = make_strategy({"name": "lora", "rank": 4, "dropout": 0.3})
    peft_model = strategy.apply(model)
    torch.manual_seed(0)
    with torch.no_grad():  # as if trained: non-zero B matrices and a changed head
        for name, param in peft_model.named_parameters():
            if "lora_B" in name or "modules_to_save" in name:
                param.add_(torch.randn_like(param) * 0.3)
        peft_model.eval()
        adapted = peft_model(**batch).logits
    assert not torch.allclose(adapted, before, atol=1e-3)  # the merge below is not trivial

    plain = strategy.export(peft_model)

    assert isinstance(plain, MeanPoolingForSequenceClassification)
    assert not any(type(m).__module__.startswith("peft") for m in plain.modules())
    assert not any("lora" in n or "modules_to_save" in n for n, _ in plain.named_parameters())
    plain.eval()
    with torch.no_grad():
        torch.testing.assert_close(plain(**batch).logits, adapted, atol=1e-5, rtol=1e-4)

    path = save_model(plain, tiny_tokenizer, tmp_path / "merged", spec=ModelSpec(name="tiny"),
                      task="classification", source_languages=["en"])
    with torch.no_grad():
        torch.testing.assert_close(load_saved(path).model(**batch).logits, adapted, atol=1e-5, rtol=1e-4)


def test_export_of_other_strategies_is_the_model(make_classifier) -> None:
    model = make_classifier()
    strategy = make_strategy("top")
    assert strategy.export(strategy.apply(model)) is model


def test_make_strategy_forms() -> None:
    assert {"full", "freeze", "top", "lora", "adapter", "madx", "prompt"} <= set(STRATEGIES)
    assert make_strategy("freeze").config == FreezeConfig()
    assert make_strategy(FreezeConfig(layers=3)).config.layers == 3
    assert make_strategy({"name": "lora", "rank": 2}).config.rank == 2


def test_unknown_strategy_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="unknown strategy 'adapters'") as err:
        make_strategy({"name": "adapters"})
    assert "adapter, freeze, full, lora, madx, prompt, top" in str(err.value)
    with pytest.raises(ConfigError, match="unknown strategy None"):
        make_strategy({"layers": 2})


@pytest.mark.parametrize(("spec", "field"), [({"name": "freeze", "layer": 2}, "layer"),
                                             ({"name": "top", "layers": "many"}, "layers"),
                                             ({"name": "lora", "rnk": 4}, "rnk"),
                                             ({"name": "lora", "rank": 0}, "rank"),
                                             ({"name": "lora", "alpha": 0}, "alpha"),
                                             ({"name": "lora", "dropout": 1.0}, "dropout"),
                                             ({"name": "freeze", "layers": -1}, "layers"),
                                             ({"name": "adapter", "reduction_factor": 0}, "reduction_factor"),
                                             ({"name": "prompt", "num_virtual_tokens": 0}, "num_virtual_tokens")])
def test_bad_strategy_option_is_a_config_error(spec: dict, field: str) -> None:
    with pytest.raises(ConfigError, match=f"strategy '{spec['name']}': strategy.{field}: ") as err:
        make_strategy(spec)
    assert "\n" not in str(err.value)


def test_model_without_layers_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="cannot find the transformer layers"):
        make_strategy("top").apply(nn.Linear(2, 2))
