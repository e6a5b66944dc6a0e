"""Device and inference-dtype resolution, with CUDA's availability monkeypatched (no GPU needed)."""

from __future__ import annotations

import pytest
import torch

from xlt.device import resolve_device, resolve_dtype
from xlt.errors import ConfigError


@pytest.fixture
def cuda(monkeypatch: pytest.MonkeyPatch):
    """Pretend a CUDA GPU is there; ``cuda(bf16=False)`` makes it one without bfloat16 (pre-Ampere)."""
    def set_gpu(bf16: bool = True) -> None:
        monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
        monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: bf16)
    return set_gpu


def test_auto_dtype_is_bfloat16_on_a_gpu_that_has_it(cuda) -> None:
    cuda(bf16=True)
    assert resolve_dtype("auto", "cuda") == torch.bfloat16
    assert resolve_dtype(None, "cuda") == torch.bfloat16
    assert resolve_dtype("auto", "cpu") == torch.float32  # the CPU stays float32 even beside a GPU


def test_auto_dtype_is_float32_on_an_older_gpu_and_the_cpu(cuda, monkeypatch: pytest.MonkeyPatch) -> None:
    cuda(bf16=False)
    assert resolve_dtype("auto", "cuda") == torch.float32
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert resolve_dtype("auto", "cpu") == torch.float32


def test_named_dtypes_are_taken_as_they_are() -> None:
    assert [resolve_dtype(n, "cpu") for n in ("float32", "BFloat16", "float16")] == [
        torch.float32, torch.bfloat16, torch.float16]
    assert resolve_dtype(torch.float16) == torch.float16
    with pytest.raises(ConfigError, match=r"--dtype 'fp8': not a dtype; use auto, float32, bfloat16, float16"):
        resolve_dtype("fp8")


def test_a_missing_gpu_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ConfigError, match="--device cuda: this torch sees no CUDA GPU.*use --device cpu"):
        resolve_device("cuda")
    with pytest.raises(ConfigError, match="this torch sees no CUDA GPU"):
        resolve_dtype("auto", "cuda:0")
    with pytest.raises(ConfigError, match="not a device"):
        resolve_device("gpu")


def test_a_gpu_index_beyond_the_count_is_named(cuda, monkeypatch: pytest.MonkeyPatch) -> None:
    cuda()
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    assert resolve_device("cuda:0") == torch.device("cuda", 0)
    with pytest.raises(ConfigError, match="--device cuda:1: there are 1 CUDA GPUs"):
        resolve_device("cuda:1")
