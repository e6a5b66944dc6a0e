"""The machine a speed figure was measured on: CPU model, cores, the ISA flags int8 and bf16 speed depend on
(AVX2, AVX-512, VNNI, AMX), and the GPU where one is used. Every speed table records it beside its figures.

>>> "cores" in cpu_line() and set(machine()) >= {"cpu", "cores", "isa", "torch"}
True
"""

from __future__ import annotations

import os
import platform
from pathlib import Path

ISA_FLAGS = ("avx2", "avx512f", "avx512_vnni", "avx_vnni", "amx_tile", "amx_bf16", "amx_int8")


def machine() -> dict:
    """CPU model, core count, ISA flags present, torch version and, where CUDA is available, the GPU."""
    info = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    lines = info.splitlines()
    model = next((line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")),
                 platform.processor() or "?")
    flags = set(next((line.split(":", 1)[1].split() for line in lines if line.startswith("flags")), []))
    import torch

    found = {"cpu": model, "cores": os.cpu_count(), "isa": [f for f in ISA_FLAGS if f in flags],
             "torch": torch.__version__}
    if torch.cuda.is_available():
        found["gpu"] = torch.cuda.get_device_name()
    return found


def cpu_line() -> str:
    """``<model>, <n> cores, <ISA flags present>`` (and the GPU), for a table's caption."""
    m = machine()
    line = f"{m['cpu']}, {m['cores']} cores, {' '.join(m['isa']) or 'no AVX2'}"
    return line + (f"; GPU {m['gpu']}" if "gpu" in m else "")
