"""xlt export for tagging and QA models and for a stock-head classifier: variants predict as their source does."""

from __future__ import annotations

from pathlib import Path

import pytest

import xlt
from xlt.deploy.export import export_variant
from xlt.errors import ConfigError
from xlt.finetune.load import load_saved
from xlt.model.variant import read_variant

TAGS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]
SENTENCES = [["red", "cat", "in", "the", "house"], ["der", "hund"], ["Ada", "Lovelace", "wrote", "it"],
             ["blau"], [f"word{i}" for i in range(40)]]  # the last one is longer than the model: several windows
QUESTIONS = [{"question": "which word?", "context": " ".join(f"word{i}" for i in range(60))},
             {"question": "who wrote it?", "context": "Ada Lovelace wrote the first program."},
             {"question": "what colour?", "context": "the red cat sat in the blue house"},
             {"question": "where?", "context": "der hund und die katze im haus"},
             {"question": "which car?", "context": "a big red car and a small blue tree in the sun"}]
TEXTS = ["red cat", "la maison bleu", "der hund", "blau", "the big red dog in the house"]


@pytest.fixture(scope="module")
def models(tiny_model: Path, tmp_path_factory) -> dict[str, Path]:
    """A tagger, a QA model and a stock-head classifier on the tiny encoder, saved with their xlt cards."""
    import torch

    from xlt.finetune.save import save_model
    from xlt.finetune.tasks import get_task
    from xlt.model.loader import load_encoder, load_tokenizer
    from xlt.model.spec import ModelSpec

    root = tmp_path_factory.mktemp("task-models")
    spec = ModelSpec(name=str(tiny_model), max_length=32)
    built = {}
    for name, task_name, options, labels in [("tagging", "tagging", {}, TAGS), ("qa", "qa", {}, []),
                                             ("stock", "classification", {"head": "stock"}, ["colour", "thing"])]:
        torch.manual_seed(0)
        model = get_task(task_name, options).build_model(load_encoder(spec), labels)
        head = model.qa_outputs if task_name == "qa" else model.classifier
        with torch.no_grad():  # a random head far from zero: clear margins between the tags and the spans
            head.weight.mul_(30.0)
        built[name] = save_model(model, load_tokenizer(spec), root / name, spec=spec, task=task_name,
                                 source_languages=["en"], task_options=options)
    return built


@pytest.fixture(scope="module")
def exported(models, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("task-exports")
    variants = [(task, fmt, q) for task in ("tagging", "qa") for fmt, q in [("onnx", None), ("onnx", "int8"),
                                                                             ("torch", None)]]
    variants += [("tagging", "torchscript", None), ("stock", "torch", None), ("stock", "onnx", None)]
    return {f"{task}/{fmt}{'-' + q if q else ''}": export_variant(models[task], fmt, quantize=q,
                                                                  output=out / task / f"{fmt}-{q}")
            for task, fmt, q in variants}


def tags(path: Path) -> list[list[str]]:
    return [p.tags for p in xlt.load(path, device="cpu", batch_size=2).predict([{"tokens": s} for s in SENTENCES])]


def answers(path: Path) -> list[tuple[str, int, int]]:
    return [(a.answer, a.start, a.end) for a in xlt.load(path, device="cpu", batch_size=2).predict(QUESTIONS)]


def test_tagging_variants_tag_as_the_source_model(models, exported):
    reference = tags(models["tagging"])
    assert len(set(t for sentence in reference for t in sentence)) > 1  # not one tag everywhere
    assert tags(exported["tagging/onnx"]) == reference
    assert tags(exported["tagging/torch"]) == reference
    assert tags(exported["tagging/torchscript"]) == reference  # one logits output: TorchScript keeps it
    int8 = tags(exported["tagging/onnx-int8"])
    assert [len(s) for s in int8] == [len(s) for s in reference] and {t for s in int8 for t in s} <= set(TAGS)
    words = [(a, b) for x, y in zip(int8, reference, strict=True) for a, b in zip(x, y, strict=True)]
    assert sum(a == b for a, b in words) >= 0.8 * len(words)  # close, not equal


def test_qa_variants_answer_as_the_source_model(models, exported):
    reference = answers(models["qa"])
    assert answers(exported["qa/onnx"]) == reference
    assert answers(exported["qa/torch"]) == reference
    int8 = answers(exported["qa/onnx-int8"])
    for (answer, start, end), question in zip(int8, QUESTIONS, strict=True):
        assert answer and question["context"][start:end] == answer
    assert sum(a == b for a, b in zip(int8, reference, strict=True)) > len(QUESTIONS) / 2  # most, not all


def test_onnx_variants_answer_the_outputs_of_their_task(exported):
    from xlt.model.onnx_model import OnnxModel

    qa, tagger = load_saved(exported["qa/onnx"]).model, load_saved(exported["tagging/onnx"]).model
    assert isinstance(qa, OnnxModel) and qa.output_names == ["start_logits", "end_logits"]
    assert tagger.output_names == ["logits"]
    card = read_variant(exported["qa/onnx-int8"])
    assert card.quantize == "int8" and "without calibration" in card.int8_calibration["data"]


def test_a_stock_head_classifier_exports_and_loads_back(models, exported):
    reference = [p.label for p in xlt.load(models["stock"], device="cpu").predict(TEXTS)]
    torch_variant = load_saved(exported["stock/torch"]).model
    assert type(torch_variant).__name__ == "BertForSequenceClassification"
    for name in ("stock/torch", "stock/onnx"):
        predictions = xlt.load(exported[name], device="cpu").predict(TEXTS)
        assert [p.label for p in predictions] == reference


def test_drop_layers_and_torchscript_stay_with_classifiers(models, tmp_path):
    with pytest.raises(ConfigError, match="--drop-layers"):
        export_variant(models["tagging"], "torch", drop_layers=1, output=tmp_path / "drop")
    with pytest.raises(ConfigError, match="torchscript"):
        export_variant(models["qa"], "torchscript", output=tmp_path / "ts")
    assert not (tmp_path / "drop").exists() and not (tmp_path / "ts").exists()
