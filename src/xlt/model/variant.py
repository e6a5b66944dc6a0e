"""An exported model variant: a folder with the runtime model, the tokenizer, config.json and two cards.

::

    runs/<run>/exports/<name>/
        model.onnx | model.ts | model.safetensors   the runtime model (one of them)
        config.json                                  labels (id2label) and sizes, as transformers writes it
        tokenizer.json, tokenizer_config.json
        xlt_model.json                               prefix, max length, task, source languages (as for runs)
        xlt_variant.json                             format, quantisation, dropped layers, source model

>>> variant_name("onnx", "int8", 4)
'onnx-int8-drop4'
>>> variant_name("torch", None, 0)
'torch'
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from xlt.device import onnx_providers
from xlt.errors import ModelError
from xlt.model.heads.mean_pool_classifier import MeanPoolingForSequenceClassification

VARIANT_FILE = "xlt_variant.json"


@dataclass(frozen=True)
class Runtime:
    """How a variant format runs: its runtime file and a loader ``load(folder, runtime_file, config, device)``
    that returns a model with a transformers-like ``forward`` (its task's outputs by name), ``config`` and
    ``device``."""

    file: str
    load: Callable[[Path, Path, object, torch.device], object]


RUNTIMES: dict[str, Runtime] = {}


def register_runtime(fmt: str, file: str, load: Callable[[Path, Path, object, torch.device], object]) -> Runtime:
    """Make variant folders of format ``fmt`` loadable (``xlt export`` registers how to write them)."""
    RUNTIMES[fmt] = Runtime(file, load)
    return RUNTIMES[fmt]


def torch_model_class(config) -> type:
    """The class that loads a torch folder with ``config``: xlt's mean-pooling classifier where its
    ``architectures`` name it, else the transformers Auto class of the architecture's head
    (``BertForTokenClassification`` -> ``AutoModelForTokenClassification``), else the named class itself."""
    import transformers

    architectures = config.architectures or []
    if MeanPoolingForSequenceClassification.__name__ in architectures:
        return MeanPoolingForSequenceClassification
    for name in architectures:
        head = name[name.find("For"):] if "For" in name else None
        if head and hasattr(transformers, f"AutoModel{head}"):
            return getattr(transformers, f"AutoModel{head}")
        if hasattr(transformers, name):
            return getattr(transformers, name)
    raise ModelError(f"config.json names no model class transformers or xlt has (architectures: {architectures})")


def _load_torch(folder: Path, runtime: Path, config, device: torch.device) -> object:

    return torch_model_class(config).from_pretrained(folder).to(device).eval()


def _load_onnx(folder: Path, runtime: Path, config, device: torch.device) -> object:
    from xlt.model.onnx_model import OnnxModel  # onnxruntime: an optional dependency

    return OnnxModel(runtime, config, providers=onnx_providers(device))


def _load_torchscript(folder: Path, runtime: Path, config, device: torch.device) -> object:
    from xlt.model.torchscript_model import TorchScriptClassifier  # only for this format: start-up time

    return TorchScriptClassifier(runtime, config, device)


register_runtime("torch", "model.safetensors", _load_torch)
register_runtime("onnx", "model.onnx", _load_onnx)
register_runtime("torchscript", "model.ts", _load_torchscript)


class VariantCard(BaseModel):
    """How a variant was made from its source model."""

    model_config = ConfigDict(extra="forbid")

    format: str
    quantize: str | None = None
    drop_layers: int = 0
    source_model: str
    num_hidden_layers: int
    distillation: dict | None = None  # epochs, steps, seconds, loss, on which data
    # int8: SmoothQuant and GPTQ on calibration texts, each candidate's logit error, the one kept (int8_export.py)
    int8_calibration: dict | None = None

    @model_validator(mode="before")
    @classmethod
    def _renamed_fields(cls, data):
        # the int8 report's earlier name, "smoothing", still reads
        if isinstance(data, dict) and "smoothing" in data:
            data = dict(data)
            data.setdefault("int8_calibration", data.pop("smoothing"))
        return data

    @field_validator("format")
    @classmethod
    def _known_format(cls, value: str) -> str:
        if value not in RUNTIMES:
            raise ValueError(f"unknown variant format {value!r}; known: {', '.join(RUNTIMES)}")
        return value

    @property
    def runtime_file(self) -> str:
        return RUNTIMES[self.format].file


def variant_name(fmt: str, quantize: str | None, drop_layers: int) -> str:
    """The default folder name of a variant: format, then quantisation, then dropped layers."""
    parts = [fmt] + ([quantize] if quantize else []) + ([f"drop{drop_layers}"] if drop_layers else [])
    return "-".join(parts)


def read_variant(path: str | Path) -> VariantCard | None:
    """The variant card of ``path``, or None for a plain saved model folder."""
    card = Path(path) / VARIANT_FILE
    if not card.is_file():
        return None
    try:
        return VariantCard(**json.loads(card.read_text("utf-8")))
    except (ValueError, ValidationError) as e:  # JSONDecodeError is a ValueError
        raise ModelError(f"{card}: not a valid variant card ({e})") from e


def folder_size_mb(path: str | Path, names: tuple[str, ...] | None = None) -> float:
    """Size on disk of the model weights in ``path`` (all files when ``names`` is None), in MB."""
    files = [Path(path) / n for n in names] if names else [p for p in Path(path).iterdir() if p.is_file()]
    return sum(f.stat().st_size for f in files if f.is_file()) / 1e6
