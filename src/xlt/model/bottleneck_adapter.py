"""Bottleneck adapters hung off a model's linear layers: add, stack, swap and read them by name.

A bottleneck adapter (Houlsby et al. 2019, "Parameter-Efficient Transfer Learning for NLP") is
``x + up(act(down(x)))`` with ``down``: hidden -> hidden / ``reduction_factor``. It sits on the output
projection of a sub-layer, before that sub-layer's dropout, residual connection and layer norm.
``placement: ffn`` puts one adapter per block after the feed-forward output (Pfeiffer et al. 2020,
"AdapterFusion"/"MAD-X"); ``placement: both`` also puts one after the attention output (Houlsby).
``up`` starts at zero, so a fresh adapter is the identity.

Why this is written here: PEFT has no bottleneck adapters, and the ``adapters`` library that has them
pins ``transformers~=4.57``, so it cannot be installed beside transformers 5. Adapters hang off the
hooked ``nn.Linear`` as a child (``.xlt_adapters``) and a forward hook runs the active ones in order, so
the base weights keep their names (a saved run holds only the adapter and head weights) and several
named adapters can be stacked (MAD-X: language adapter, then task adapter) or swapped.

Saved format (not PEFT's: no PEFT class loads these). A run of the ``adapter`` or ``madx`` strategy saves
its model folder as xlt's delta (:func:`xlt.finetune.save.save_delta`):

* ``trained.safetensors``: the adapter and head weights keyed as in the task model, e.g.
  ``encoder.encoder.layer.0.output.dense.xlt_adapters.adapters.task.down.weight`` (``.down``/``.up``
  ``.weight``/``.bias`` per block and placement; adapter ``task``, and for ``madx`` one
  ``lang_<code>`` adapter per language) and the head (``classifier.weight``, ``classifier.bias``);
* ``xlt_delta.json``: ``base_model`` (the encoder by name), ``strategy`` (its config: ``reduction_factor``,
  ``activation``, ``placement``), ``labels``, ``parameters``;
* ``xlt_model.json``: the xlt card (task, prefix, pooling, max length).

``xlt.load(folder)`` (or :func:`xlt.finetune.load.load_saved`) rebuilds the base model with its head, adds
the adapters as the strategy config says (:func:`add_adapter`) and loads ``trained.safetensors`` into it.
By hand: ``make_strategy(delta["strategy"]).build(get_task(task).build_model(load_encoder(spec), labels))``,
then ``model.load_state_dict(load_file("trained.safetensors"), strict=False)``. A language adapter folder of
``xlt pretrain`` is :mod:`xlt.pretrain.language_adapter`'s own format (keys without the task model's prefix).
"""

from __future__ import annotations

from collections.abc import Iterator

from torch import nn

from xlt.errors import ConfigError
from xlt.model.parts import encoder_layers, encoder_of

# sub-layer output projections inside one block (BERT / XLM-R / e5 naming)
PLACEMENTS: dict[str, tuple[str, ...]] = {
    "ffn": ("output.dense",),
    "both": ("attention.output.dense", "output.dense"),
}
TASK_ADAPTER = "task"


class BottleneckAdapter(nn.Module):
    """``x + up(act(down(x)))``; ``up`` is zero at the start, so the adapter starts as the identity."""

    def __init__(self, hidden_size: int, reduction_factor: int = 16, activation: str = "relu") -> None:
        super().__init__()
        if reduction_factor < 1:
            raise ConfigError(f"adapter reduction_factor must be 1 or more, got {reduction_factor}")
        bottleneck = max(1, hidden_size // reduction_factor)
        self.down = nn.Linear(hidden_size, bottleneck)
        self.act = {"relu": nn.ReLU(), "gelu": nn.GELU(), "tanh": nn.Tanh()}[activation]
        self.up = nn.Linear(bottleneck, hidden_size)
        nn.init.normal_(self.down.weight, std=1e-2)
        nn.init.zeros_(self.down.bias)
        nn.init.zeros_(self.up.weight)
        nn.init.zeros_(self.up.bias)

    def forward(self, x):
        return x + self.up(self.act(self.down(x)))


class AdapterSlot(nn.Module):
    """The named adapters at one place of the network; ``active`` ones run in order (a stack)."""

    def __init__(self) -> None:
        super().__init__()
        self.adapters = nn.ModuleDict()
        self.active: list[str] = []

    def forward(self, x):
        for name in self.active:
            x = self.adapters[name](x)
        return x


def _run_slot(module: nn.Module, inputs, output):
    return module.xlt_adapters(output)


def _slot_at(block: nn.Module, path: str) -> AdapterSlot:
    try:
        target = block.get_submodule(path)
    except AttributeError as err:
        raise ConfigError(f"adapter placement: no module {path!r} in a {type(block).__name__} block") from err
    if not hasattr(target, "xlt_adapters"):
        target.xlt_adapters = AdapterSlot()
        target.register_forward_hook(_run_slot)
    return target.xlt_adapters


def add_adapter(model: nn.Module, name: str, *, reduction_factor: int = 16, activation: str = "relu",
                placement: str = "ffn") -> int:
    """Insert adapter ``name`` into every block of ``model``'s encoder; returns its parameter count."""
    if placement not in PLACEMENTS:
        raise ConfigError(f"adapter placement must be one of {sorted(PLACEMENTS)}, got {placement!r}")
    hidden = encoder_of(model).config.hidden_size
    count = 0
    for block in encoder_layers(model):
        for path in PLACEMENTS[placement]:
            slot = _slot_at(block, path)
            if name in slot.adapters:
                raise ConfigError(f"adapter {name!r} is already in the model")
            slot.adapters[name] = adapter = BottleneckAdapter(hidden, reduction_factor, activation)
            count += sum(p.numel() for p in adapter.parameters())
    return count


def slots(model: nn.Module) -> Iterator[AdapterSlot]:
    for module in model.modules():
        if isinstance(module, AdapterSlot):
            yield module


def set_active(model: nn.Module, names: list[str]) -> None:
    """Run the adapters ``names`` (in this order, a stack) everywhere; the others are skipped."""
    for slot in slots(model):
        missing = [n for n in names if n not in slot.adapters]
        if missing:
            raise ConfigError(f"no adapter {missing[0]!r} in the model; it has {sorted(slot.adapters)}")
        slot.active = list(names)


def adapter_names(model: nn.Module) -> list[str]:
    return sorted({name for slot in slots(model) for name in slot.adapters})


def adapter_state(model: nn.Module, name: str) -> dict:
    """The weights of adapter ``name``, keyed as in the model (``...xlt_adapters.adapters.task.up.weight``)."""
    marker = f".xlt_adapters.adapters.{name}."
    return {k: p.detach().cpu().contiguous() for k, p in model.named_parameters() if marker in k}
