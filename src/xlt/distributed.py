"""Several training processes (``torchrun`` / ``accelerate launch``): who writes, and who waits.

The HF Trainer already does the distributed part (DDP; gloo on CPU, NCCL on GPUs; DeepSpeed/FSDP through
``accelerate config``). What xlt adds is the run folder discipline: every process reads the same data and
makes the same split (both are seeded and deterministic), only the main process writes files, and the
others wait at a barrier so nobody reads a half-written folder. One process: every call here is a no-op.

The state is looked up on every call: ``TrainingArguments`` resets and rebuilds accelerate's shared state.

>>> num_processes(), is_main_process()
(1, True)
"""

from __future__ import annotations

import torch
from accelerate import PartialState

from xlt.device import resolve_device


def use_cpu() -> bool:
    """No accelerator: train on the CPU (DDP over gloo when several processes were launched)."""
    return not torch.accelerator.is_available()


def _state() -> PartialState:
    # Under torchrun, the first call joins the process group; `cpu=True` is what makes accelerate pick
    # multi-CPU (gloo) instead of "not distributed" on a machine without a GPU.
    return PartialState(cpu=use_cpu())


def process_device() -> torch.device:
    """This process's device (under torchrun: its own GPU; without an accelerator: the CPU)."""
    return _state().device


def training_device(name: str | torch.device | None = "auto") -> torch.device:
    """The device this process trains on: ``name`` checked to be there (:func:`xlt.device.resolve_device`);
    under torchrun, ``auto`` and an accelerator without an index mean this process's own (its GPU)."""
    device = resolve_device(name)
    if device.type != "cpu" and device.index is None and num_processes() > 1:
        return process_device()
    return device


def num_processes() -> int:
    return _state().num_processes


def is_main_process() -> bool:
    return _state().is_main_process


def wait_for_everyone() -> None:
    _state().wait_for_everyone()
