"""Several training processes (``torchrun`` / ``accelerate launch``): who writes, and who waits.

The HF Trainer already does the distributed part (DDP; gloo on CPU, NCCL on GPUs; DeepSpeed/FSDP through
``accelerate config``). What xlt adds is the run folder discipline: every process reads the same data and
makes the same split (both are seeded and deterministic), only the main process writes files, and the
others wait at a barrier so nobody reads a half-written folder. One process: every call here is a no-op.

>>> processes().num_processes
1
>>> processes().is_main_process
True
"""

from __future__ import annotations

from accelerate import PartialState


def processes() -> PartialState:
    """The shared process state; under ``torchrun`` its first use joins the process group (gloo on CPU)."""
    return PartialState()


def is_distributed() -> bool:
    return processes().num_processes > 1
