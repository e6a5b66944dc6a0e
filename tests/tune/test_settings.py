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


def test_out_of_range_tune_and_training_values_name_file_line_and_field(tune_config):
    raw = yaml.safe_load(tune_config.read_text())
    raw["tune"]["startup_trials"] = -1
    tune_config.write_text(yaml.safe_dump(raw, sort_keys=False))
    line = next(i for i, text in enumerate(tune_config.read_text().splitlines(), 1) if "startup_trials" in text)
    with pytest.raises(ConfigError) as err:
        load_tune_config(tune_config)
    assert str(err.value) == (f"{tune_config}:{line}: tune.startup_trials: Input should be greater than or equal "
                              "to 0")
    raw["tune"]["startup_trials"] = 2
    tune_config.write_text(yaml.safe_dump(raw, sort_keys=False))
    with pytest.raises(ConfigError) as err:
        load_tune_config(tune_config, ["training.batch_size=0"])
    assert str(err.value) == (f"{tune_config}: training.batch_size: Input should be greater than or equal to 1 "
                              "(from --set training.batch_size=0)")
