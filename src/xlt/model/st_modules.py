"""What sentence-transformers does to token vectors beyond xlt's pooling, rebuilt with torch alone.

Two things: a Pooling config with ``include_prompt: false`` leaves the prompt's tokens out of the average,
and the Dense and Normalize modules after Pooling turn the pooled vector into the sentence vector. Both
apply to sentence vectors (:func:`xlt.model.embed.embed_texts`); a classifier reads the pooled vector.

>>> import torch
>>> Normalize()(torch.tensor([[3.0, 4.0]])).tolist()
[[0.6000000238418579, 0.800000011920929]]
>>> activation("torch.nn.modules.activation.Tanh")
Tanh()
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass

import torch
from pydantic import BaseModel, ConfigDict, ValidationError
from torch import nn

from xlt.errors import ModelError
from xlt.model.spec import ModelSpec
from xlt.model.st_config import StModule, model_file, read_model_file

SENTENCE = "sentence_embedding"  # the feature sentence-transformers' pooled and sentence vectors are kept in
#: the weight files a Dense module is saved in, newest format first
DENSE_WEIGHTS = ("model.safetensors", "pytorch_model.bin")


class DenseConfig(BaseModel):
    """A Dense module's ``config.json`` as sentence-transformers writes it."""

    model_config = ConfigDict(extra="ignore")

    in_features: int
    out_features: int
    bias: bool = True
    activation_function: str = "torch.nn.modules.activation.Tanh"  # sentence-transformers' default
    use_residual: bool = False
    module_input_name: str = "sentence_embedding"
    module_output_name: str | None = None  # None: the input's name


def activation(path: str) -> nn.Module:
    """The torch module a dotted class path names; only ``torch.nn`` classes (a config must not run code)."""
    module_name, _, class_name = path.rpartition(".")
    if not (module_name == "torch.nn" or module_name.startswith("torch.nn.")):
        raise ModelError(f"Dense activation {path!r} is not a torch.nn class; xlt builds only those")
    try:
        return getattr(importlib.import_module(module_name), class_name)()
    except (ImportError, AttributeError, TypeError) as err:
        raise ModelError(f"Dense activation {path!r} cannot be built: {err}") from err


class Dense(nn.Module):
    """``activation(linear(x))`` (plus ``x``, or its projection ``residual(x)``, with ``use_residual``), with
    sentence-transformers' parameter names (``linear.weight``) so its weight files load as they are."""

    def __init__(self, config: DenseConfig) -> None:
        super().__init__()
        if {config.module_input_name, config.module_output_name or config.module_input_name} != {SENTENCE}:
            raise ModelError(f"a Dense module from {config.module_input_name!r} to {config.module_output_name!r}: "
                             f"xlt applies only Dense modules on the {SENTENCE!r}")
        self.linear = nn.Linear(config.in_features, config.out_features, bias=config.bias)
        self.activation = activation(config.activation_function)
        self.use_residual = config.use_residual
        if self.use_residual and config.in_features != config.out_features:
            self.residual = nn.Linear(config.in_features, config.out_features, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.activation(self.linear(x))
        if self.use_residual:
            out = out + (self.residual(x) if hasattr(self, "residual") else x)
        return out


class Normalize(nn.Module):
    """Rows scaled to unit L2 length, as sentence-transformers' Normalize does."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return nn.functional.normalize(x, p=2, dim=1)


def load_dense(name: str, module: StModule, revision: str | None = None) -> Dense:
    """The Dense module in ``module``'s folder of model ``name`` (local folder or hub id)."""
    config, why = read_model_file(name, module.file("config.json"), revision)
    try:
        dense = Dense(DenseConfig.model_validate(config))
    except ValidationError as err:
        raise ModelError(f"{name}: {module.file('config.json')} is not a Dense config "
                         f"({why or err.errors()[0]['msg']})") from None
    for filename in DENSE_WEIGHTS:
        path, _ = model_file(name, module.file(filename), revision)
        if path is None:
            continue
        if filename.endswith(".safetensors"):
            from safetensors.torch import load_file

            state = load_file(str(path))
        else:
            state = torch.load(path, map_location="cpu", weights_only=True)
        dense.load_state_dict(state)
        return dense.eval()
    raise ModelError(f"{name}: the Dense module {module.folder!r} has no weights ({' or '.join(DENSE_WEIGHTS)})")


def load_after_pooling(name: str, modules: Sequence[StModule], revision: str | None = None) -> nn.Sequential:
    """The modules after Pooling (Dense, Normalize) as one torch module, in ``modules.json`` order."""
    built = [load_dense(name, m, revision) if m.kind == "Dense" else Normalize() for m in modules]
    return nn.Sequential(*built).eval()


@dataclass(frozen=True)
class SentenceVectors:
    """How sentence vectors are made beyond the pooling method, for :func:`~xlt.model.embed.embed_texts`."""

    after: nn.Module | None = None  # applied to the pooled vectors (Dense, Normalize)
    prompt_tokens: int = 0  # leading tokens mean pooling leaves out (the first special token and the prompt)

    @classmethod
    def for_spec(cls, spec: ModelSpec, tokenizer, prefix: str | None = None) -> SentenceVectors:
        """What ``spec``'s model files say, for inputs written with ``prefix`` (``None``: the spec's own)."""
        found = spec.resolution()
        prefix = found["prefix"][0] if prefix is None else prefix
        modules = found["sentence_modules"][0]
        after = load_after_pooling(spec.name, modules, spec.revision) if modules else None
        include_prompt = found["include_prompt"][0]
        return cls(after=after, prompt_tokens=0 if include_prompt else prompt_tokens(tokenizer, prefix))


def prompt_tokens(tokenizer, prompt: str) -> int:
    """The tokens of ``prompt`` at the start of an input, counted as sentence-transformers counts them: the
    prompt tokenised alone, less a closing special token, so an opening one ([CLS], <s>) counts as prompt.
    """
    if not prompt:
        return 0
    ids = tokenizer(prompt)["input_ids"]
    return len(ids) - (1 if ids and ids[-1] in set(tokenizer.all_special_ids) else 0)
