"""The machine a figure was measured on: CPU model, cores and the ISA flags int8 and bf16 speed depend on.

>>> "cores" in cpu_line()
True
"""

from __future__ import annotations

import os
from pathlib import Path

ISA_FLAGS = ("avx2", "avx512f", "avx512_vnni", "avx_vnni", "amx_tile", "amx_bf16", "amx_int8")


def cpu_line() -> str:
    """``<model>, <n> cores, <ISA flags present>`` from /proc/cpuinfo (``?`` where it is not readable)."""
    info = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    lines = info.splitlines()
    model = next((line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")), "?")
    flags = set(next((line.split(":", 1)[1].split() for line in lines if line.startswith("flags")), []))
    isa = [f for f in ISA_FLAGS if f in flags]
    return f"{model}, {os.cpu_count()} cores, {' '.join(isa) or 'no AVX2'}"
