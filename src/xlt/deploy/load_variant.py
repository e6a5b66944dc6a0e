"""Load an exported variant folder as a :class:`~xlt.finetune.load.SavedModel` (the runtime wrapped)."""

from __future__ import annotations

import json
from pathlib import Path

from xlt.deploy.variant import VariantCard
from xlt.errors import ModelError
from xlt.model.builtin import MODEL_CARD_FILE
from xlt.model.spec import ModelSpec


def load_variant(path: Path, card: VariantCard):
    """The variant's runtime (ONNX Runtime session, TorchScript module or torch model) with tokenizer and card."""
    from transformers import AutoConfig, AutoTokenizer

    from xlt.finetune.load import SavedModel

    runtime = path / card.runtime_file
    if not runtime.is_file():
        raise ModelError(f"{path} is a {card.format} variant but {runtime.name} is missing")
    xlt_card = json.loads((path / MODEL_CARD_FILE).read_text("utf-8"))
    if xlt_card.get("task", "classification") != "classification":
        raise ModelError(f"{path}: only classification variants can be run so far (task {xlt_card['task']!r})")
    config = AutoConfig.from_pretrained(path)
    if card.format == "onnx":
        from xlt.deploy.onnx_model import OnnxClassifier

        model = OnnxClassifier(runtime, config)
    elif card.format == "torchscript":
        from xlt.deploy.torchscript_model import TorchScriptClassifier

        model = TorchScriptClassifier(runtime, config)
    else:
        from xlt.finetune.heads.mean_pool_classifier import MeanPoolingForSequenceClassification

        model = MeanPoolingForSequenceClassification.from_pretrained(path).eval()
    spec = ModelSpec(name=str(path), prefix=xlt_card.get("prefix", ""), max_length=xlt_card.get("max_length", 128),
                     pooling=xlt_card.get("pooling"))
    return SavedModel(model, AutoTokenizer.from_pretrained(path), spec, xlt_card.get("task", "classification"),
                      xlt_card.get("source_languages", []), xlt_card.get("task_options", {}))
