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
    assert config.model.name == "builtin:multilingual-e5-small" and config.model.resolved_max_length() == 128
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


# ---- range checks: every numeric setting is checked when the config is read ------------------------------


@pytest.mark.parametrize(("override", "message"), [
    ("training.batch_size=0", "training.batch_size: Input should be greater than or equal to 1"),
    ("training.epochs=-3", "training.epochs: Input should be greater than 0"),
    ("training.learning_rate=0", "training.learning_rate: Input should be greater than 0"),
    ("training.learning_rate=5", "training.learning_rate: Input should be less than 1"),
    ("training.eval_batch_size=0", "training.eval_batch_size: Input should be greater than or equal to 1"),
    ("training.gradient_accumulation=0", "training.gradient_accumulation: Input should be greater than or equal to 1"),
    ("training.warmup=-0.1", "training.warmup: Input should be greater than or equal to 0"),
    ("training.warmup=2.5", "training.warmup: a fraction of the steps (below 1) or a whole number of steps, not 2.5"),
    ("training.weight_decay=-1", "training.weight_decay: Input should be greater than or equal to 0"),
    ("training.dropout=1", "training.dropout: Input should be less than 1"),
    ("training.label_smoothing=1", "training.label_smoothing: Input should be less than 1"),
    ("training.early_stopping_patience=0",
     "training.early_stopping_patience: Input should be greater than or equal to 1"),
    ("training.max_steps=0", "training.max_steps: -1 (train for training.epochs) or a number of steps of 1 or more"),
    ("training.max_steps=-2", "training.max_steps: Input should be greater than or equal to -1"),
    ("training.seed=-1", "training.seed: Input should be greater than or equal to 0"),
    ("evaluation.bootstrap_resamples=0", "evaluation.bootstrap_resamples: Input should be greater than or equal to 1"),
    ("evaluation.confidence=1", "evaluation.confidence: Input should be less than 1"),
    ("evaluation.confidence=0", "evaluation.confidence: Input should be greater than 0"),
    ("model.max_length=0", "model.max_length: Input should be greater than or equal to 1"),
    ("translate.batch_size=0", "translate.batch_size: Input should be greater than or equal to 1"),
    ("data.split.seed=-1", "data.split.seed: Input should be greater than or equal to 0"),
    ("few_shot={languages: [de], k: [-1]}", "few_shot.k.0: Input should be greater than or equal to 0"),
    ("few_shot={languages: [de], seeds: 0}", "few_shot.seeds: Input should be greater than or equal to 1"),
    ("few_shot={languages: [de], learning_rate: 0}", "few_shot.learning_rate: Input should be greater than 0"),
    ("few_shot={languages: [de], test_limit: 0}", "few_shot.test_limit: Input should be greater than or equal to 1"),
    ("few_shot={languages: []}", "few_shot.languages: List should have at least 1 item"),
])
def test_out_of_range_values_are_one_line_naming_the_field(config: TrainConfig, override: str, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        config.with_overrides([override])
    assert str(err.value).startswith(f"config: {message}")
    assert "\n" not in str(err.value) and "function-after" not in str(err.value)


@pytest.mark.parametrize("override", [
    "training.max_steps=-1", "training.max_steps=1", "training.warmup=0", "training.warmup=10", "training.dropout=0",
    "training.early_stopping_patience=null", "training.epochs=0.5", "evaluation.bootstrap_resamples=1",
    "few_shot={languages: [de], k: [0, 8]}", "strategy={name: top, layers: 0}", "strategy={name: freeze, layers: 0}",
])
def test_boundary_values_the_code_supports_are_accepted(config: TrainConfig, override: str) -> None:
    config.with_overrides([override])


def test_yaml_error_names_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("name: demo\ndata:\n  pool: builtin:emoji-groups\ntraining:\n  epochs: 2\n  batch_size: 0\n")
    with pytest.raises(ConfigError) as err:
        TrainConfig.from_yaml(path)
    assert str(err.value) == f"{path}:6: training.batch_size: Input should be greater than or equal to 1"
    with pytest.raises(ConfigError) as err:
        TrainConfig.from_yaml(path, ["training.batch_size=4", "training.epochs=-3"])
    assert str(err.value) == (f"{path}: training.epochs: Input should be greater than 0 "
                              "(from --set training.epochs=-3)")


def test_one_line_per_bad_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(RAW | {"training": {"batch_size": 0, "learning_rate": 0}}, sort_keys=False))
    with pytest.raises(ConfigError) as err:
        TrainConfig.from_yaml(path)
    lines = str(err.value).splitlines()
    assert len(lines) == 2 and all(line.startswith(f"{path}:") for line in lines)
    assert "training.learning_rate: Input should be greater than 0" in lines[0]
    assert "training.batch_size: Input should be greater than or equal to 1" in lines[1]


# ---- the strategy and the task options are checked with the config -----------------------------------------


@pytest.mark.parametrize(("overrides", "message"), [
    (["strategy.bogus=1"], "strategy.bogus: Extra inputs are not permitted"),
    (["strategy.name=bogus"], "strategy.name: unknown strategy 'bogus'; known: adapter, freeze, full, lora, madx, "
                              "prompt, top"),
    (["strategy={name: lora, rank: 0}"], "strategy.rank: Input should be greater than or equal to 1"),
    (["strategy={name: lora, dropout: 1}"], "strategy.dropout: Input should be less than 1"),
    (["strategy={name: top, layers: -1}"], "strategy.layers: Input should be greater than or equal to 0"),
    (["strategy={name: adapter, reduction_factor: 0}"], "strategy.reduction_factor: Input should be greater than or "
                                                         "equal to 1"),
    (["strategy={name: prompt, num_virtual_tokens: 0}"], "strategy.num_virtual_tokens: Input should be greater than "
                                                          "or equal to 1"),
    (["strategy={name: madx, source_language: en, language_adapters: {de: x}}"],
     "strategy: source_language 'en' has no entry in language_adapters (['de'])"),
    (["task=bogus"], "task: unknown task 'bogus'; known: classification, qa, tagging, translation"),
    (["task_options.bogus=1"], "task_options.bogus: Extra inputs are not permitted"),
    (["task=qa", "task_options.normalisation=x"], "task_options.normalisation: Input should be 'mlqa' or 'squad'"),
    (["task=tagging", "task_options.tag_map=[1]"], "task_options.tag_map: Input should be a valid dictionary"),
    (["translate.test.de=5"], "translate.test.de: Input should be a valid string or a valid dictionary"),
])
def test_strategy_and_task_options_fail_at_config_time(config: TrainConfig, overrides: list[str],
                                                      message: str) -> None:
    with pytest.raises(ConfigError) as err:
        config.with_overrides(overrides)
    assert str(err.value) == f"config: {message} (from --set {overrides[-1]})"


def test_strategy_stays_the_dict_given(config: TrainConfig) -> None:
    new = config.with_overrides(["strategy={name: lora, rank: 4}", "task=translation",
                                 "task_options.source_lang=en"])
    assert new.strategy == {"name": "lora", "rank": 4} and new.task_options == {"source_lang": "en"}
    # --set strategy.layers=2 on a config without a strategy section: the default strategy's setting
    assert TrainConfig.validated(RAW | {"strategy": {"layers": 2}}).strategy == {"name": "freeze", "layers": 2}
    with pytest.raises(ConfigError, match="^config: strategy.bogus: Extra inputs are not permitted$"):
        TrainConfig.validated(RAW | {"strategy": {"bogus": 1}})


def test_a_task_refuses_data_of_another_layout(config: TrainConfig) -> None:
    """Tagging on a classification table fails when the config is read, before any data loads."""
    with pytest.raises(ConfigError, match="task 'tagging' reads tagging tables, but the data specs give "
                                          "classification tables"):
        config.with_overrides(["task=tagging"])


def test_config_imports_and_validates_in_a_fresh_interpreter() -> None:
    """The strategy and task registries are imported by the validators: no import cycle with the config."""
    import subprocess
    import sys

    code = ("from xlt.finetune.config import TrainConfig; "
            "TrainConfig.model_validate({'name': 'x', 'data': {'pool': 'builtin:emoji-groups'}, "
            "'strategy': {'name': 'lora'}, 'task': 'translation', 'task_options': {'num_beams': 2}})")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_an_unknown_translator_fails_when_the_config_is_read(config: TrainConfig) -> None:
    with pytest.raises(ConfigError, match=r"translate.test.de: .*unknown translator 'google:de-en'; known backends: "
                                          r"apertium:<pair>, hf:<model>"):
        config.with_overrides(["translate.test={de: 'google:de-en'}"])


def test_an_unknown_baseline_fails_when_the_config_is_read(config: TrainConfig) -> None:
    with pytest.raises(ConfigError, match=r"evaluation.baselines: task 'classification' has no baseline "
                                          r"'majority-tag'; its baselines: lexical, frozen-encoder"):
        config.with_overrides(["evaluation.baselines=[lexical, majority-tag]"])
