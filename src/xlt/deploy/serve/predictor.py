"""The served model: texts in, labels with probabilities out (classification)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from xlt.errors import ModelError
from xlt.finetune.load import load_saved
from xlt.finetune.tasks import deployable_tasks, get_task
from xlt.model.predict import predict_logits
from xlt.run_folder import RunFolder


@dataclass(frozen=True)
class Scored:
    label: str
    score: float
    scores: dict[str, float]


class Predictor:
    """Loads a run, saved model or exported variant once; :meth:`predict` is thread-safe for one caller."""

    def __init__(self, path: str | Path, *, threads: int | None = None, batch_size: int = 64,
                 device: str = "auto") -> None:
        import torch

        if threads:
            torch.set_num_threads(threads)
        run = RunFolder.find(path)
        self.path = run.model if run else Path(path)
        self.run = run
        self.saved = load_saved(self.path, device)
        if not get_task(self.saved.task).deployable:
            raise ModelError(f"xlt serve answers the deployable tasks ({', '.join(deployable_tasks())}) so far; "
                             f"{self.path} is a {self.saved.task!r} model")
        self.labels = [self.saved.model.config.id2label[i] for i in range(self.saved.model.config.num_labels)]
        self.batch_size = batch_size

    @property
    def name(self) -> str:
        """A display name: the run (and variant) folder names, never a full path."""
        if self.run is not None:
            return self.run.root.name
        parts = self.path.parts
        return "/".join(parts[-3::2]) if len(parts) >= 3 and parts[-2] == "exports" else self.path.name

    def predict(self, texts: list[str]) -> list[Scored]:

        spec = self.saved.spec
        logits = predict_logits(self.saved.model, self.saved.tokenizer, spec.apply_prefix(list(texts)),
                                batch_size=self.batch_size, max_length=spec.resolved_max_length(),
                                progress=False)  # a server's stderr carries its JSON logs, one object per line
        probs = np.exp(logits - logits.max(-1, keepdims=True))
        probs /= probs.sum(-1, keepdims=True)
        out = []
        for row in probs:
            best = int(row.argmax())
            out.append(Scored(self.labels[best], float(row[best]),
                              {label: float(p) for label, p in zip(self.labels, row, strict=True)}))
        return out
