"""The README.md model card a finished run writes into its model folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml


def _front_matter(text: str) -> dict:
    assert text.startswith("---\n")
    return yaml.safe_load(text.split("---\n", 2)[1])


def test_training_writes_the_card(tiny_run: Path) -> None:
    card = tiny_run / "model" / "README.md"
    meta = _front_matter(card.read_text("utf-8"))
    assert meta["library_name"] == "transformers"
    assert meta["pipeline_tag"] == "text-classification"
    assert {"xlt", "cross-lingual", "text-classification"} <= set(meta["tags"])
    assert meta["language"] == ["en", "de", "fr"]
    assert "license" not in meta and "base_model" not in meta  # not in the config; a local folder is no hub id


def test_model_index_has_every_test_language_with_its_score(tiny_run: Path) -> None:
    from huggingface_hub import ModelCard

    card = ModelCard.load(tiny_run / "model" / "README.md")
    metrics = json.loads((tiny_run / "metrics.json").read_text("utf-8"))
    scores = metrics["systems"]["xlt"]["languages"]
    results = {r.dataset_config: r for r in card.data.eval_results}
    assert set(results) == set(scores) == {"en", "de", "fr"}
    for lang, result in results.items():
        assert result.task_type == "text-classification" and result.dataset_split == "test"
        assert result.metric_type == "accuracy"
        assert result.metric_value == pytest.approx(scores[lang]["accuracy"], abs=1e-4)
        low, high = scores[lang]["accuracy_ci"]
        assert result.metric_args["ci_low"] == pytest.approx(low, abs=1e-4)
        assert result.metric_args["ci_high"] == pytest.approx(high, abs=1e-4)
        assert "95% bootstrap CI" in result.metric_name
    assert "zero-shot" in results["de"].metric_name and "source" in results["en"].metric_name


def test_body_names_base_model_split_seed_zero_shot_languages_and_loading(tiny_run: Path) -> None:
    body = (tiny_run / "model" / "README.md").read_text("utf-8").split("---\n", 2)[2]
    base = json.loads((tiny_run / "model" / "xlt_model.json").read_text("utf-8"))["base_model"]
    assert f"**Base model:** `{base}`" in body
    assert "**Split seed:** 0" in body
    assert "**Training (source) languages:** en" in body
    assert "**Zero-shot languages:** de, fr" in body
    assert "| de | zero-shot |" in body and "| en | source (trained on) |" in body
    assert "transfer gap" in body
    assert 'xlt.load("path/to/model")' in body
    # the mean-pooling head ships as code: transformers needs trust_remote_code to use it
    assert 'AutoModelForSequenceClassification.from_pretrained("path/to/model", trust_remote_code=True)' in body


def test_baselines_stand_beside_xlt_and_license_and_hub_base_model(tiny_run: Path, tmp_path: Path) -> None:
    from xlt.finetune.model_card import render_model_card

    run = tmp_path / "run"
    shutil.copytree(tiny_run, run)
    metrics = json.loads((run / "metrics.json").read_text("utf-8"))
    lexical = {"languages": {lang: {"n": 6, "accuracy": 0.25} for lang in ("en", "de", "fr")},
               "source": 0.25, "target_mean": 0.25, "gap": 0.0}
    (run / "metrics.json").write_text(json.dumps({**metrics, "systems": {**metrics["systems"], "lexical": lexical}}))
    config = yaml.safe_load((run / "config.yaml").read_text("utf-8"))
    config["license"] = "mit"
    config["data"]["pool"] = {"format": "hf", "path": "some-org/toy-data@train"}
    (run / "config.yaml").write_text(yaml.safe_dump(config))
    card = json.loads((run / "model" / "xlt_model.json").read_text("utf-8"))
    (run / "model" / "xlt_model.json").write_text(json.dumps({**card, "base_model": "builtin:multilingual-e5-small"}))

    text = render_model_card(run, repo_id="me/toy")
    meta = _front_matter(text)
    assert meta["license"] == "mit" and meta["datasets"] == ["some-org/toy-data"]
    assert meta["base_model"] == "intfloat/multilingual-e5-small"
    assert "| language | role | xlt accuracy (interval) | lexical |" in text
    assert "| de | zero-shot | " in text and "| 25.0 |" in text
    assert 'xlt.load("me/toy")' in text


def test_a_run_without_metrics_has_no_card(tmp_path: Path) -> None:
    from xlt.errors import ConfigError
    from xlt.finetune.model_card import render_model_card

    with pytest.raises(ConfigError, match="no metrics.json"):
        render_model_card(tmp_path)
