"""TrainConfig: defaults, --set overrides, errors that name the field or file, YAML round trip."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from xlt.errors import ConfigError
from xlt.finetune.config import TrainConfig

RAW = {"name": "demo", "data": {"pool": {"format": "builtin:emoji-groups"}, "source_languages": ["en"]}}


@pytest.fixture
def config() -> TrainConfig:
    return TrainConfig.validated(RAW)


def test_defaults(config: TrainConfig) -> None:
    assert config.task == "classification"
    assert config.model.name == "builtin:multilingual-e5-small" and config.model.max_length == 128
    assert config.strategy == {"name": "freeze"}
    t = config.training
    assert (t.epochs, t.learning_rate, t.batch_size, t.head_init, t.seed) == (4, 5e-5, 32, "probe", 0)
    assert t.early_stopping_patience == 2 and not t.select_on_target and t.max_steps == -1
    assert config.evaluation.baselines is None  # every baseline of the task
    assert config.run_dir == Path("runs") / "demo"


def test_set_overrides(config: TrainConfig) -> None:
    new = config.with_overrides(["training.learning_rate=1e-4", "strategy.name=lora", "strategy.rank=4",
                                 "evaluation.baselines=[lexical]", "training.select_on_target=true",
                                 "output_dir=out"])
    assert new.training.learning_rate == 1e-4
    assert new.strategy == {"name": "lora", "rank": 4}
    assert new.evaluation.baselines == ["lexical"]
    assert new.training.select_on_target is True
    assert new.run_dir == Path("out") / "demo"
    assert config.training.learning_rate == 5e-5  # the original is unchanged


def test_override_values_keep_their_equals_sign(config: TrainConfig) -> None:
    assert config.with_overrides(["model.prefix=a=b"]).model.prefix == "a=b"
    assert config.with_overrides(["model.prefix='query: '"]).model.prefix == "query: "  # quoted YAML


@pytest.mark.parametrize(("override", "field", "value"), [("model.prefix=query: ", "prefix", "query: "),
                                                          ("name=2024", "name", "2024")])
def test_text_override_taken_as_text(config: TrainConfig, override: str, field: str, value: str) -> None:
    new = config.with_overrides([override])
    assert getattr(new.model if field == "prefix" else new, field) == value


@pytest.mark.parametrize(("override", "field"), [
    ("training.learning_rat=1", "training.learning_rat"),
    ("training.batch_size=many", "training.batch_size"),
    ("training.head_init=zeros", "training.head_init"),
    ("bogus=1", "bogus"),
])
def test_bad_override_names_the_field(config: TrainConfig, override: str, field: str) -> None:
    with pytest.raises(ConfigError) as err:
        config.with_overrides([override])
    assert str(err.value).startswith(f"config: {field}: ") and "\n" not in str(err.value)


@pytest.mark.parametrize(("override", "message"), [
    ("training.epochs", "expected KEY=VALUE"),
    ("=3", "expected KEY=VALUE"),
    ("name.first=x", "'name' is not a section"),
])
def test_malformed_override(config: TrainConfig, override: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        config.with_overrides([override])


def test_from_yaml_with_overrides(tmp_path: Path) -> None:
    path = tmp_path / "train.yaml"
    path.write_text(yaml.safe_dump(RAW))
    config = TrainConfig.from_yaml(path, ["training.epochs=2"])
    assert config.training.epochs == 2 and config.name == "demo"


def test_from_yaml_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(ConfigError, match="config file not found") as err:
        TrainConfig.from_yaml(path)
    assert str(path) in str(err.value)


def test_from_yaml_invalid_yaml(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("name: demo\ntraining: [epochs: 2\n")
    with pytest.raises(ConfigError, match="not valid YAML") as err:
        TrainConfig.from_yaml(path)
    assert str(path) in str(err.value)


def test_from_yaml_invalid_field_names_file_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(RAW | {"training": {"epochz": 2}}))
    with pytest.raises(ConfigError) as err:
        TrainConfig.from_yaml(path)
    assert str(path) in str(err.value) and "training.epochz" in str(err.value)


def test_missing_required_fields() -> None:
    with pytest.raises(ConfigError) as err:
        TrainConfig.validated({}, source="cfg.yaml")
    assert str(err.value).splitlines() == ["cfg.yaml: name: Field required", "cfg.yaml: data: Field required"]


def test_to_yaml_round_trips(config: TrainConfig, tmp_path: Path) -> None:
    changed = config.with_overrides(["strategy.name=lora", "training.learning_rate=1e-4",
                                      "model.prefix='q: '"])
    text = changed.to_yaml()
    assert text.startswith("name: demo")  # fields in declaration order
    path = tmp_path / "again.yaml"
    path.write_text(text, encoding="utf-8")
    assert TrainConfig.from_yaml(path) == changed
    assert TrainConfig.from_yaml(path).to_yaml() == text
