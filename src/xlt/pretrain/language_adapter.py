"""Language adapters (MAD-X): a bottleneck adapter per language, trained with masked language modelling.

``train_language_adapter(base_model, texts, lang, out_dir)`` freezes the base encoder, inserts one
adapter (reduction factor 2 by default, as in MAD-X) and trains it with HF's
``DataCollatorForLanguageModeling`` (15% of the tokens, 80/10/10 mask/random/keep) on unlabelled
text of that language, on ``device`` (``auto``: a CUDA GPU, else MPS, else the CPU). The MLM head is a
dense + GELU + layer norm transform whose output layer is tied to the (frozen) input embeddings, so it
works for encoders saved without an MLM head (e5); the head is thrown away afterwards, only the adapter is kept.
The loop is plain torch with ``.to(device)``: one process, one model, fp32, so accelerate's ``prepare`` would
add nothing.

The folder written holds ``adapter.safetensors`` (keys ``<block>.<place>.<param>``, independent of the
task model around the encoder) and ``adapter.json`` (base model, language, settings, loss curve).
The ``madx`` strategy stacks these under a task adapter. ``xlt pretrain`` trains one per language when its
config has ``language_adapters:`` (``xlt.pretrain.language_adapters``).

>>> from xlt.pretrain.language_adapter import train_language_adapter   # doctest: +SKIP
>>> train_language_adapter("builtin:multilingual-e5-small", texts, "de", "runs/lang-adapters/de")  # doctest: +SKIP
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Sequence
from pathlib import Path

import torch
from torch import nn

from xlt.device import resolve_device
from xlt.errors import ConfigError, DataError
from xlt.io import atomic_path, write_json
from xlt.model.bottleneck_adapter import PLACEMENTS, add_adapter, set_active
from xlt.model.loader import load_encoder, load_tokenizer
from xlt.model.parts import encoder_layers, freeze
from xlt.model.spec import ModelSpec

log = logging.getLogger("xlt")
ADAPTER_FILE, ADAPTER_CARD = "adapter.safetensors", "adapter.json"


def language_adapter_name(lang: str) -> str:
    """The adapter's name inside a model (``ModuleDict`` keys may not hold dots)."""
    return "lang_" + "".join(c if c.isalnum() else "_" for c in lang)


class TiedMLMHead(nn.Module):
    """BERT's MLM head shape (transform, then scores against the input embeddings), on masked positions only."""

    def __init__(self, embeddings: nn.Embedding, hidden_size: int, eps: float = 1e-12) -> None:
        super().__init__()
        self.transform = nn.Sequential(nn.Linear(hidden_size, hidden_size), nn.GELU(),
                                       nn.LayerNorm(hidden_size, eps=eps))
        self.embeddings = embeddings  # tied and frozen: the vocabulary space stays the pretrained one
        self.bias = nn.Parameter(torch.zeros(embeddings.num_embeddings))

    def forward(self, hidden: torch.Tensor) -> torch.Tensor:
        return self.transform(hidden) @ self.embeddings.weight.T + self.bias


class AdapterMLM(nn.Module):
    """Encoder (with adapters) + tied MLM head; the loss is computed on the masked tokens only."""

    def __init__(self, encoder: nn.Module) -> None:
        super().__init__()
        self.encoder = encoder
        self.head = TiedMLMHead(encoder.get_input_embeddings(), encoder.config.hidden_size,
                                getattr(encoder.config, "layer_norm_eps", 1e-12))

    def forward(self, input_ids, attention_mask, labels):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        masked = labels != -100
        logits = self.head(hidden[masked])  # scoring 250k words only where needed
        return nn.functional.cross_entropy(logits, labels[masked]) if masked.any() else hidden.sum() * 0


def _adapter_parameters(model: nn.Module, name: str) -> dict[str, nn.Parameter]:
    """Adapter ``name``'s parameters keyed ``"<block>.<place>.<param>"`` (no task-model prefix)."""
    found = {}
    for i, block in enumerate(encoder_layers(model)):
        for place, module in block.named_modules():
            slot = getattr(module, "xlt_adapters", None)
            if slot is not None and name in slot.adapters:
                for key, p in slot.adapters[name].named_parameters():
                    found[f"{i}.{place}.{key}"] = p
    return found


def export_adapter(model: nn.Module, name: str) -> dict[str, torch.Tensor]:
    """Adapter ``name`` as ``{"<block>.<place>.<param>": tensor}`` (no task-model prefix)."""
    state = {key: p.detach().cpu().contiguous() for key, p in _adapter_parameters(model, name).items()}
    if not state:
        raise ConfigError(f"no adapter {name!r} in the model")
    return state


def import_adapter(model: nn.Module, name: str, state: dict[str, torch.Tensor], source: str = "") -> None:
    """Copy an :func:`export_adapter` state into adapter ``name`` of ``model`` (same shapes required)."""
    target = _adapter_parameters(model, name)
    if set(target) != set(state):
        diff = sorted(set(target) ^ set(state))[:3]
        raise ConfigError(f"language adapter {source or name}: its weights do not fit this model (e.g. {diff}); "
                          "was it trained on another base model or with another placement?")
    with torch.no_grad():
        for key, p in target.items():
            if p.shape != state[key].shape:
                raise ConfigError(f"language adapter {source or name}: {key} has shape {tuple(state[key].shape)}, "
                                  f"the model expects {tuple(p.shape)} (another reduction factor?)")
            p.copy_(state[key])


def read_language_adapter(folder: str | Path) -> tuple[dict, dict[str, torch.Tensor]]:
    """(card, weights) of a folder written by :func:`train_language_adapter`."""
    from safetensors.torch import load_file

    folder = Path(folder)
    card_file = folder / ADAPTER_CARD
    if not card_file.is_file() or not (folder / ADAPTER_FILE).is_file():
        raise ConfigError(f"{folder} is not a language adapter folder (needs {ADAPTER_CARD} and {ADAPTER_FILE}); "
                          "train one with xlt.pretrain.language_adapter.train_language_adapter")
    return json.loads(card_file.read_text("utf-8")), load_file(str(folder / ADAPTER_FILE))


def train_language_adapter(base_model: str | ModelSpec, texts: Sequence[str], lang: str, out_dir: str | Path, *,
                           reduction_factor: int = 2, activation: str = "relu", placement: str = "ffn",
                           epochs: float = 1.0, max_steps: int | None = None, batch_size: int = 16,
                           learning_rate: float = 1e-4, mlm_probability: float = 0.15, max_length: int = 128,
                           seed: int = 0, source: str = "", device: str | torch.device = "auto") -> Path:
    """Train a language adapter for ``lang`` with MLM on ``texts`` on ``device``; write it to ``out_dir``; return
    ``out_dir``.

    ``source`` says where the texts came from (kept in the card, for the report).
    """
    from transformers import DataCollatorForLanguageModeling, get_linear_schedule_with_warmup

    texts = [t.strip() for t in texts if t and t.strip()]
    if not texts:
        raise DataError(f"language adapter {lang}: no text to train on", path=source or None)
    if placement not in PLACEMENTS:
        raise ConfigError(f"placement must be one of {sorted(PLACEMENTS)}, got {placement!r}")
    spec = base_model if isinstance(base_model, ModelSpec) else ModelSpec(name=str(base_model), max_length=max_length)
    device = resolve_device(device)
    torch.manual_seed(seed)
    tokenizer, encoder = load_tokenizer(spec), load_encoder(spec)
    if tokenizer.mask_token is None:
        raise ConfigError(f"{spec.name}: the tokenizer has no mask token, so it cannot train with MLM")
    freeze(encoder)
    name = language_adapter_name(lang)
    add_adapter(encoder, name, reduction_factor=reduction_factor, activation=activation, placement=placement)
    set_active(encoder, [name])
    model = AdapterMLM(encoder).to(device)
    model.train()

    enc = tokenizer(spec.apply_prefix(texts), truncation=True, max_length=spec.resolved_max_length())
    rows = [{"input_ids": ids} for ids in enc["input_ids"]]
    collator = DataCollatorForLanguageModeling(tokenizer, mlm_probability=mlm_probability, seed=seed)
    generator = torch.Generator().manual_seed(seed)
    loader = torch.utils.data.DataLoader(rows, batch_size=batch_size, shuffle=True, collate_fn=collator,
                                         generator=generator)
    steps = max_steps or max(1, math.ceil(epochs * len(loader)))
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=learning_rate, weight_decay=0.0)
    schedule = get_linear_schedule_with_warmup(optimizer, int(0.1 * steps), steps)
    losses: list[float] = []
    started, step = time.perf_counter(), 0
    while step < steps:
        for batch in loader:
            loss = model(*(batch[k].to(device) for k in ("input_ids", "attention_mask", "labels")))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            losses.append(loss.item())
            step += 1
            if step % 50 == 0:
                log.info("language adapter %s: step %d/%d, MLM loss %.3f", lang, step, steps,
                         sum(losses[-50:]) / len(losses[-50:]))
            if step >= steps:
                break
    window = max(1, min(50, len(losses) // 5))
    out_dir = Path(out_dir)
    from safetensors.torch import save_file

    with atomic_path(out_dir) as tmp:
        tmp.mkdir(parents=True, exist_ok=True)
        save_file(export_adapter(encoder, name), str(tmp / ADAPTER_FILE))
        write_json(tmp / ADAPTER_CARD, {
            "lang": lang, "base_model": spec.name, "prefix": spec.resolved_prefix(),
            "reduction_factor": reduction_factor, "activation": activation, "placement": placement,
            "steps": steps, "batch_size": batch_size, "learning_rate": learning_rate,
            "mlm_probability": mlm_probability, "texts": len(texts), "source": source,
            "first_loss": sum(losses[:window]) / window, "last_loss": sum(losses[-window:]) / window,
            "train_seconds": round(time.perf_counter() - started, 1),
        })
    return out_dir
