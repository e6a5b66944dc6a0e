"""Fast batch prediction: tokenise once, sort by length, run in inference mode.

This is what ``pipeline("text-classification")`` does one text (or one unsorted batch) at a time;
sorting by length removes most padding, which is where the time goes on a CPU. On a CPU the batches run as
several single-threaded forward passes at once (``streams``): a small encoder's matrix products scale poorly
across threads inside one pass, while independent passes keep every core busy.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import numpy as np
import torch
from tqdm.auto import tqdm

from xlt.model.embed import length_sorted_batches


def default_streams(model) -> int:
    """Forward passes to run at once: one per torch CPU thread on a CPU, one on an accelerator."""
    return max(1, torch.get_num_threads()) if model.device.type == "cpu" else 1


@contextmanager
def one_thread_per_pass(model) -> Iterator:
    """``model`` set to run each forward pass on the calling thread only (restored on exit).

    A model may provide its own ``single_threaded()`` (an ONNX Runtime session with one intra-op thread);
    a torch model gets ``torch.set_num_threads(1)`` for the duration, so passes on several threads run in parallel.
    """
    if hasattr(model, "single_threaded"):
        yield model.single_threaded()
        return
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield model
    finally:
        torch.set_num_threads(threads)


@torch.inference_mode()
def predict_logits(model, tokenizer, texts: Sequence[str], text_pairs: Sequence[str] | None = None, *,
                   batch_size: int = 64, max_length: int = 128, desc: str = "predicting",
                   progress: bool = True, streams: int | None = None) -> np.ndarray:
    """Logits for each input (already prefixed), in input order; ``progress=False``: no progress bar.

    ``streams``: forward passes run at once, each on one thread (default :func:`default_streams`); 1 runs the
    batches one after another on torch's own thread count. The logits do not depend on it.
    """
    model.eval()
    if not texts:
        return np.zeros((0, model.config.num_labels), dtype=np.float32)
    enc = tokenizer(list(texts), list(text_pairs) if text_pairs is not None else None,
                    truncation=True, max_length=max_length)
    lengths = [len(ids) for ids in enc["input_ids"]]
    batches = list(length_sorted_batches(lengths, batch_size))
    streams = min(streams or default_streams(model), len(batches))

    def forward(net, idx: np.ndarray) -> np.ndarray:
        with torch.inference_mode():  # inference mode is per thread: a worker thread needs its own
            batch = tokenizer.pad({k: [enc[k][i] for i in idx] for k in enc}, return_tensors="pt")
            batch = {k: v.to(model.device) for k, v in batch.items()}
            return net(**batch).logits.float().cpu().numpy()

    out = np.zeros((0, 0), dtype=np.float32)
    with tqdm(total=len(texts), desc=desc, unit="text", leave=False, disable=not progress) as bar:
        def collect(idx: np.ndarray, logits: np.ndarray) -> None:
            nonlocal out
            if not out.size:
                out = np.zeros((len(texts), logits.shape[-1]), dtype=np.float32)
            out[idx] = logits
            bar.update(len(idx))

        if streams == 1:
            for idx in batches:
                collect(idx, forward(model, idx))
        else:
            with one_thread_per_pass(model) as net, ThreadPoolExecutor(streams) as pool:
                for idx, logits in zip(batches, pool.map(lambda idx: forward(net, idx), batches), strict=True):
                    collect(idx, logits)
    return out
