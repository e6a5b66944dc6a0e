"""Loading a tune config: the training part, the search part, and the zero-shot guard."""

from __future__ import annotations

import pytest
import yaml

from xlt.errors import ConfigError
from xlt.tune import load_tune_config


def test_a_tune_config_splits_into_base_space_and_settings(tune_config):
    tc = load_tune_config(tune_config, ["training.epochs=1"])
    assert tc.base.training.epochs == 1 and tc.base.name == "toy"
    assert set(tc.space.params) == {"training.learning_rate", "training.warmup", "training.batch_size"}
    assert tc.settings.pruner == "median"


def test_selecting_on_target_data_is_refused(tune_config):
    raw = yaml.safe_load(tune_config.read_text())
    raw["data"]["dev_languages"] = ["en", "de"]
    raw["training"]["select_on_target"] = True
    tune_config.write_text(yaml.safe_dump(raw))
    with pytest.raises(ConfigError, match="select on source-language dev data only"):
        load_tune_config(tune_config)


def test_missing_search_section_and_bad_tune_field_are_named(tune_config):
    raw = yaml.safe_load(tune_config.read_text())
    raw["tune"]["pruner"] = "sometimes"
    tune_config.write_text(yaml.safe_dump(raw))
    with pytest.raises(ConfigError, match="tune.pruner"):
        load_tune_config(tune_config)
    del raw["search"]
    tune_config.write_text(yaml.safe_dump(raw))
    with pytest.raises(ConfigError, match="needs a 'search:' section"):
        load_tune_config(tune_config)
