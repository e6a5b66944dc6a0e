"""Fixtures for the model tests: a synthetic packed e5 file and the real converted model, loaded once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.model.helpers import write_synthetic_e5


@pytest.fixture
def synthetic_e5(tmp_path: Path) -> tuple[Path, dict[str, np.ndarray]]:
    """A tiny packed e5 file (1 layer, hidden 32, 15 pieces) and its expected fp32 tensors."""
    return write_synthetic_e5(tmp_path / "synthetic-q4.bin")


@pytest.fixture(scope="session")
def e5_hf(builtin_model: Path) -> dict[str, Any]:
    """The converted built-in model loaded once with plain transformers (tokenizer, model, loading info)."""
    from transformers import AutoModel, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(builtin_model)
    model, loading_info = AutoModel.from_pretrained(builtin_model, output_loading_info=True)
    return {"path": builtin_model, "tokenizer": tokenizer, "model": model.eval(), "loading_info": loading_info}
