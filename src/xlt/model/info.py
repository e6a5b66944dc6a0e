"""What a user looks at first when choosing a model for a language: size, vocabulary and how the
tokenizer treats each language's text.

>>> stats = tokenizer_stats(["a b"], tokenize=lambda t: t.split(), unk_id=-1, max_length=8)
>>> stats["subtokens_per_word"]
1.0
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from statistics import fmean
from typing import Any

from xlt.model.loader import load_tokenizer, model_path
from xlt.model.spec import ModelSpec


def tokenizer_stats(texts: Sequence[str], *, tokenize: Callable[[str], list], unk_id: Any,
                    max_length: int, prefix_tokens: int = 0) -> dict[str, float]:
    """Sub-tokens per whitespace word, per character, the ``<unk>`` rate and the share truncated.

    Words are whitespace-separated; for scripts written without spaces (Chinese, Japanese, Thai)
    ``subtokens_per_char`` is the comparable number.
    """
    pieces = [tokenize(t) for t in texts]
    n_tokens = sum(len(p) for p in pieces)
    n_words = sum(len(t.split()) for t in texts)
    n_chars = sum(len(t.replace(" ", "")) for t in texts)
    return {
        "texts": len(texts),
        "subtokens_per_word": round(n_tokens / max(n_words, 1), 3),
        "subtokens_per_char": round(n_tokens / max(n_chars, 1), 3),
        "unk_rate": round(sum(p.count(unk_id) for p in pieces) / max(n_tokens, 1), 5),
        # +2 for the start and end tokens the model adds
        "truncated_share": round(fmean(len(p) + prefix_tokens + 2 > max_length for p in pieces), 4)
        if pieces else 0.0,
    }


def model_info(spec: ModelSpec, data=None) -> dict[str, Any]:
    """Parameters, vocabulary, max length and (given a dataset) per-language tokenizer statistics."""
    from transformers import AutoConfig

    path = model_path(spec)
    config = AutoConfig.from_pretrained(path, **{k: v for k, v in spec.load_kwargs().items() if k != "dtype"})
    tokenizer = load_tokenizer(spec)
    info: dict[str, Any] = {
        "model": spec.name, "path": path, "architecture": (config.architectures or [config.model_type])[0],
        "parameters": _count_parameters(path), "layers": getattr(config, "num_hidden_layers", None),
        "hidden_size": getattr(config, "hidden_size", None), "vocabulary": len(tokenizer),
        "max_positions": getattr(config, "max_position_embeddings", None),
        **spec.recorded(),  # prefix, pooling, max length and where each was read (or that it is xlt's default)
    }
    if data is not None:
        prefix_tokens = len(tokenizer(spec.resolved_prefix(), add_special_tokens=False)["input_ids"])
        by_lang: dict[str, list[str]] = {}
        for lang, text in zip(data["lang"], data["text"], strict=True):
            by_lang.setdefault(lang, []).append(text)
        info["languages"] = {
            lang: tokenizer_stats(texts, tokenize=lambda t: tokenizer(t, add_special_tokens=False)["input_ids"],
                                  unk_id=tokenizer.unk_token_id, max_length=spec.resolved_max_length(),
                                  prefix_tokens=prefix_tokens)
            for lang, texts in by_lang.items()
        }
    return info


def _count_parameters(path: str) -> int | None:
    """Parameter count from the safetensors headers, without loading the weights."""
    import math
    from pathlib import Path

    from safetensors import safe_open

    files = sorted(Path(path).glob("*.safetensors")) if Path(path).is_dir() else []
    if not files:
        return None
    total = 0
    for file in files:
        with safe_open(file, "pt") as f:
            total += sum(math.prod(f.get_slice(name).get_shape()) for name in f.keys())  # noqa: SIM118
    return total
