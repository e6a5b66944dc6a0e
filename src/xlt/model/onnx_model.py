"""Run an exported ONNX model with ONNX Runtime behind the interface xlt's prediction code uses.

xlt's prediction code calls a model as ``model(**batch)`` and reads its outputs by name (``.logits`` for a
classifier or a tagger, ``.start_logits`` and ``.end_logits`` for QA), with a ``config`` holding ``id2label``;
:class:`OnnxModel` gives an ONNX Runtime session that shape (every graph output by its name), so every code
path that takes a transformers model takes an ONNX variant too.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import torch

# ONNX Runtime graph optimisations xlt turns off. SkipLayerNormFusion merges "residual Add + LayerNormalization"
# into one kernel that ran int8 graphs slower than the two it replaces (bench/RESULTS.md, "Compressed variants").
DISABLED_OPTIMIZERS = ("SkipLayerNormFusion",)


def session_options(threads: int | None = None):
    """ORT options: all graph optimisations; ``threads`` intra-op threads (default: torch's thread count)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = threads or int(os.environ.get("XLT_THREADS", 0)) or torch.get_num_threads()
    options.inter_op_num_threads = 1
    # ORT's pool threads busy-wait after each run by default: on a few cores that takes the CPU from the
    # server's event loop, the tokenizer and other processes between runs
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return options


class OnnxModel:
    """An ONNX Runtime session called like a transformers model: ``model(input_ids=..., attention_mask=...)``
    feeds the graph the inputs it has (others, e.g. ``token_type_ids``, are left out) and answers every graph
    output as an attribute of that name (``.logits``; ``.start_logits`` and ``.end_logits``)."""

    device = torch.device("cpu")

    def __init__(self, path: str | Path, config, threads: int | None = None,
                 disabled_optimizers: tuple[str, ...] = DISABLED_OPTIMIZERS,
                 providers: list[str] | None = None) -> None:
        import onnxruntime as ort

        self.path = Path(path)
        self.config = config
        self.providers = providers or ["CPUExecutionProvider"]
        self.disabled_optimizers = tuple(disabled_optimizers)
        options = session_options(threads)
        self.threads = options.intra_op_num_threads
        self.session = ort.InferenceSession(str(self.path), options, providers=self.providers,
                                            disabled_optimizers=list(self.disabled_optimizers))
        self.input_names = [i.name for i in self.session.get_inputs()]
        self.output_names = [o.name for o in self.session.get_outputs()]
        self._single: OnnxModel | None = None

    def single_threaded(self) -> OnnxModel:
        """The same model on a one-thread session, for several passes at once (a second session, built once)."""
        if self.threads == 1 or self.providers[0] != "CPUExecutionProvider":  # an accelerator runs them as they come
            return self
        if self._single is None:
            self._single = OnnxModel(self.path, self.config, threads=1,
                                     disabled_optimizers=self.disabled_optimizers, providers=self.providers)
        return self._single

    def eval(self) -> OnnxModel:
        return self

    def __call__(self, **batch) -> SimpleNamespace:
        feeds = {name: np.asarray(batch[name], dtype=np.int64) for name in self.input_names}
        answers = zip(self.output_names, self.session.run(self.output_names, feeds), strict=True)
        return SimpleNamespace(**{name: torch.from_numpy(answer) for name, answer in answers})
