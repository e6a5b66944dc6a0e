"""Sentence vectors from a frozen encoder, batched by length (for probes, baselines and head init).

>>> from xlt.model.embed import length_sorted_batches
>>> [b.tolist() for b in length_sorted_batches([3, 1, 2, 5], 2)]
[[3, 0], [2, 1]]
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import torch
from tqdm.auto import tqdm

from xlt.model.pooling import pool
from xlt.model.st_modules import SentenceVectors


def without_prompt(attention_mask: torch.Tensor, prompt_tokens: int) -> torch.Tensor:
    """``attention_mask`` with each row's first ``prompt_tokens`` real tokens off, for either padding side.

    >>> without_prompt(torch.tensor([[1, 1, 1, 0], [0, 1, 1, 1]]), 2).tolist()
    [[0, 0, 1, 0], [0, 0, 0, 1]]
    """
    return attention_mask * (attention_mask.cumsum(1) > prompt_tokens)


def length_sorted_batches(lengths: Sequence[int], batch_size: int) -> Iterator[np.ndarray]:
    """Indices in batches of similar length, longest first (little padding, memory peak first)."""
    order = np.argsort(-np.asarray(lengths), kind="stable")
    for start in range(0, len(order), batch_size):
        yield order[start:start + batch_size]


@torch.inference_mode()
def embed_texts(encoder, tokenizer, texts: Sequence[str], *, text_pairs: Sequence[str] | None = None,
                batch_size: int = 64, max_length: int = 128, desc: str = "embedding",
                pooling: str | None = None, vectors: SentenceVectors | None = None,
                progress: bool = True) -> np.ndarray:
    """Pooled last-layer vectors, one row per text, in input order. Inputs must carry any prefix.

    ``pooling``: ``mean``, ``cls`` or ``last``; ``None`` takes the encoder's own (``config.xlt_pooling``,
    which :func:`xlt.model.loader.load_encoder` sets from the spec), else mean. ``vectors``: what a
    sentence-transformers model does beyond that (``SentenceVectors.for_spec``): mean pooling leaves its
    ``prompt_tokens`` out, and its ``after`` modules (Dense, Normalize) turn the pooled vectors into the
    sentence vectors. Without it the vectors are the pooled ones a classifier head reads. ``progress``: a
    progress bar on stderr (a server keeps it off: its stderr carries JSON logs).
    """
    method = pooling or getattr(encoder.config, "xlt_pooling", None) or "mean"
    vectors = SentenceVectors() if vectors is None else vectors
    after = vectors.after.to(encoder.device) if vectors.after is not None else None
    skip = vectors.prompt_tokens if method == "mean" else 0  # only mean averages over the prompt's tokens
    dim = encoder.config.hidden_size
    if after is not None:  # a Dense module may change the dimension
        dim = after(torch.zeros(1, dim, device=encoder.device)).shape[1]
    encoder.eval()
    out = np.zeros((len(texts), dim), dtype=np.float32)
    if not len(texts):
        return out
    enc = tokenizer(list(texts), list(text_pairs) if text_pairs is not None else None,
                    truncation=True, max_length=max_length)
    lengths = [len(ids) for ids in enc["input_ids"]]
    with tqdm(total=len(texts), desc=desc, unit="text", leave=False, disable=not progress) as bar:
        for idx in length_sorted_batches(lengths, batch_size):
            batch = tokenizer.pad({k: [enc[k][i] for i in idx] for k in enc}, return_tensors="pt")
            batch = {k: v.to(encoder.device) for k, v in batch.items()}
            hidden = encoder(**batch).last_hidden_state
            mask = without_prompt(batch["attention_mask"], skip) if skip else batch["attention_mask"]
            # pooled in float32: a bfloat16 sum over a long sentence keeps about 3 digits
            pooled = pool(hidden.float(), mask, method)
            if after is not None:  # in float32, the dtype sentence-transformers keeps its Dense weights in
                pooled = after(pooled)
            out[idx] = pooled.cpu().numpy()
            bar.update(len(idx))
    return out
