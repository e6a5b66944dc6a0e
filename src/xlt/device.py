"""Where models run and in which precision.

A device is ``auto`` (a CUDA GPU, else Apple's MPS, else the CPU) or one named by the user. An inference dtype
is ``auto`` (bfloat16 on a CUDA GPU that has it, else float32) or one named by the user.

>>> resolve_device("cpu")
device(type='cpu')
>>> resolve_device("auto").type in ("cuda", "mps", "cpu")
True
>>> resolve_dtype("auto", "cpu"), resolve_dtype("bfloat16", "cpu")
(torch.float32, torch.bfloat16)
>>> onnx_providers("cpu")
['CPUExecutionProvider']
"""

from __future__ import annotations

import torch

from xlt.errors import ConfigError

DEVICE_HELP = "auto (a CUDA GPU, else MPS, else the CPU), cpu, cuda, cuda:N or mps"
DTYPE_HELP = ("weights' precision for inference: auto (bfloat16 on a CUDA GPU that supports it: half the memory, "
              "faster; else float32), float32, bfloat16 or float16; scores are computed in float32 either way")
DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}


def resolve_device(name: str | torch.device | None = "auto") -> torch.device:
    """The torch device for ``name``; a device that is not there fails with what is."""
    if isinstance(name, torch.device):
        return name
    name = (name or "auto").strip().lower()
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    try:
        device = torch.device(name)
    except (RuntimeError, ValueError):
        raise ConfigError(f"--device {name!r}: not a device; use {DEVICE_HELP}") from None
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ConfigError(f"--device {name}: this torch sees no CUDA GPU (torch {torch.__version__}); use --device cpu")
    if device.type == "cuda" and device.index is not None and device.index >= torch.cuda.device_count():
        raise ConfigError(f"--device {name}: there are {torch.cuda.device_count()} CUDA GPUs")
    if device.type == "mps" and not torch.backends.mps.is_available():
        raise ConfigError(f"--device {name}: MPS is not available here; use --device cpu")
    return device


def resolve_dtype(name: str | torch.dtype | None = "auto", device: str | torch.device | None = "cpu") -> torch.dtype:
    """The dtype to run inference in on ``device``: ``auto`` is bfloat16 on a CUDA GPU that supports it
    (Ampere and later), float32 on anything else; a named dtype is taken as it is."""
    if isinstance(name, torch.dtype):
        return name
    name = (name or "auto").strip().lower()
    if name == "auto":
        cuda = resolve_device(device).type == "cuda"  # bf16 on CPUs and MPS is slower or partial: float32 there
        return torch.bfloat16 if cuda and torch.cuda.is_bf16_supported() else torch.float32
    if name not in DTYPES:
        raise ConfigError(f"--dtype {name!r}: not a dtype; use auto, {', '.join(DTYPES)}")
    return DTYPES[name]


def onnx_providers(device: str | torch.device | None = "auto") -> list[str]:
    """ONNX Runtime execution providers for ``device``, best first, among those installed (the CPU last)."""
    device = resolve_device(device)
    wanted = ["CPUExecutionProvider"]
    if device.type == "cuda":
        import onnxruntime as ort  # an optional dependency (xlt[export])

        available = set(ort.get_available_providers())
        wanted = [p for p in ("TensorrtExecutionProvider", "CUDAExecutionProvider") if p in available] + wanted
    return wanted
