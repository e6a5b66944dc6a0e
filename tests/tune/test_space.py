"""The search space: parsing, forbidden fields, checking keys against the config, applying values."""

from __future__ import annotations

import optuna
import pytest

from xlt.errors import ConfigError
from xlt.finetune.config import TrainConfig
from xlt.tune.space import SearchSpace, apply_params

BASE = {"name": "x", "data": {"pool": "builtin:emoji-groups", "source_languages": ["en"]}}


def test_values_come_from_optuna_within_their_ranges():
    space = SearchSpace.parse({
        "training.learning_rate": {"type": "float", "low": 1e-5, "high": 1e-3, "log": True},
        "training.epochs": {"type": "int", "low": 1, "high": 3},
        "training.batch_size": {"type": "categorical", "choices": [16, 32]},
    })
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    for _ in range(5):
        params = space.suggest(study.ask())
        assert 1e-5 <= params["training.learning_rate"] <= 1e-3
        assert params["training.epochs"] in (1, 2, 3) and params["training.batch_size"] in (16, 32)
        cfg = TrainConfig.validated(apply_params(BASE, params))
        assert cfg.training.epochs == params["training.epochs"]


@pytest.mark.parametrize("key", ["data.source_languages", "evaluation.baselines", "training.select_on_target",
                                 "name", "output_dir"])
def test_the_objective_cannot_be_changed_by_the_search(key):
    with pytest.raises(ConfigError, match=f"search.{key}: this field cannot be searched"):
        SearchSpace.parse({key: {"type": "categorical", "choices": [1]}}, source="t.yaml")


def test_bad_ranges_and_unknown_fields_fail_before_any_trial():
    with pytest.raises(ConfigError, match=r"t.yaml: search.training.epochs: .*low <= high"):
        SearchSpace.parse({"training.epochs": {"type": "int", "low": 3, "high": 1}}, source="t.yaml")
    with pytest.raises(ConfigError, match="choices"):
        SearchSpace.parse({"training.batch_size": {"type": "categorical"}})
    space = SearchSpace.parse({"training.lerning_rate": {"type": "float", "low": 1e-5, "high": 1e-4}})
    with pytest.raises(ConfigError, match="search.training.lerning_rate"):
        space.check(BASE, TrainConfig.validated, "t.yaml")


def test_apply_params_leaves_the_base_untouched():
    base = {"training": {"epochs": 4}}
    assert apply_params(base, {"training.epochs": 2, "strategy.rank": 4}) == {
        "training": {"epochs": 2}, "strategy": {"rank": 4}}
    assert base == {"training": {"epochs": 4}}
