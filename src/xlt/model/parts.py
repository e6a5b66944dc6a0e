"""Find the parts of a task model (encoder, transformer blocks, embeddings, head) and freeze them."""

from __future__ import annotations

from torch import nn

from xlt.errors import ConfigError


def parameter_counts(model: nn.Module) -> tuple[int, int]:
    """(trainable, total) parameters."""
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    total = sum(p.numel() for p in model.parameters())
    return trainable, total


def encoder_of(model: nn.Module) -> nn.Module:
    """The pretrained encoder inside a task model (``model.encoder`` or the HF base model)."""
    base = getattr(model, "base_model_prefix", "")
    return getattr(model, base, None) or getattr(model, "encoder", model)


def encoder_layers(model: nn.Module) -> nn.ModuleList:
    """The stack of transformer blocks (``encoder.layer`` in BERT/XLM-R, ``layers`` elsewhere)."""
    for name, module in encoder_of(model).named_modules():
        if isinstance(module, nn.ModuleList) and name.split(".")[-1] in {"layer", "layers", "block"}:
            return module
    raise ConfigError(f"cannot find the transformer layers of {type(model).__name__}")


def embeddings_of(model: nn.Module) -> nn.Module:
    encoder = encoder_of(model)
    return getattr(encoder, "embeddings", None) or encoder.get_input_embeddings()


def head_parameters(model: nn.Module) -> list[nn.Parameter]:
    """The parameters outside the pretrained encoder: the task head (classifier, span head)."""
    inside = {id(p) for p in encoder_of(model).parameters()}
    return [p for p in model.parameters() if id(p) not in inside]


def freeze(module: nn.Module) -> None:
    for p in module.parameters():
        p.requires_grad_(False)
