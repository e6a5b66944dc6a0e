"""Fast batch prediction: tokenise once, sort by length, run in inference mode.

This is what ``pipeline("text-classification")`` does one text (or one unsorted batch) at a time;
sorting by length removes most padding, which is where the time goes on a CPU.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from tqdm.auto import tqdm

from xlt.model.embed import length_sorted_batches


@torch.inference_mode()
def predict_logits(model, tokenizer, texts: Sequence[str], text_pairs: Sequence[str] | None = None, *,
                   batch_size: int = 64, max_length: int = 128, desc: str = "predicting",
                   progress: bool = True) -> np.ndarray:
    """Logits for each input (already prefixed), in input order; ``progress=False``: no progress bar."""
    model.eval()
    if not texts:
        return np.zeros((0, model.config.num_labels), dtype=np.float32)
    enc = tokenizer(list(texts), list(text_pairs) if text_pairs is not None else None,
                    truncation=True, max_length=max_length)
    lengths = [len(ids) for ids in enc["input_ids"]]
    out = np.zeros((0, 0), dtype=np.float32)
    with tqdm(total=len(texts), desc=desc, unit="text", leave=False, disable=not progress) as bar:
        for idx in length_sorted_batches(lengths, batch_size):
            batch = tokenizer.pad({k: [enc[k][i] for i in idx] for k in enc}, return_tensors="pt")
            batch = {k: v.to(model.device) for k, v in batch.items()}
            logits = model(**batch).logits.float().cpu().numpy()
            if not out.size:
                out = np.zeros((len(texts), logits.shape[-1]), dtype=np.float32)
            out[idx] = logits
            bar.update(len(idx))
    return out
