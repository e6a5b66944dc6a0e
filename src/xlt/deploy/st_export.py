"""``xlt export RUN --format sentence-transformers``: the run's fine-tuned encoder as a folder that
``SentenceTransformer(path)`` loads, with the run's prefix (the default prompt), pooling and input length.

The task head is left out: ``encode`` gives the pooled vectors the head read (for a LoRA run, the encoder with
the LoRA update merged in; prompt tuning leaves the encoder as pretrained and its prompt is not exported).

>>> export_variant("runs/sib200", "sentence-transformers")  # doctest: +SKIP
PosixPath('runs/sib200/exports/sentence-transformers')
>>> SentenceTransformer("runs/sib200/exports/sentence-transformers").encode(["a text"])  # doctest: +SKIP
"""

from __future__ import annotations

import copy
import logging
from pathlib import Path

from xlt.model.parts import encoder_of
from xlt.model.st_save import save_sentence_transformer

log = logging.getLogger("xlt")


def write_sentence_transformers(job, folder: Path) -> None:
    """Write ``job``'s encoder (an :class:`xlt.deploy.export.ExportJob`) and tokenizer to ``folder``."""
    model, strategy = job.model, job.saved.strategy
    if strategy is not None:
        if strategy.config.name == "prompt":
            log.warning("prompt tuning: the trained prompt is not part of a sentence-transformers model; the "
                        "exported encoder is the pretrained one")
        model = strategy.export(copy.deepcopy(model))  # LoRA merged into a copy: the loaded model stays as it is
    encoder = encoder_of(getattr(model, "model", model))  # prompt tuning wraps the task model
    found = job.saved.spec.resolution()
    save_sentence_transformer(encoder, job.saved.tokenizer, folder, pooling=found["pooling"][0],
                              prefix=found["prefix"][0], max_length=found["max_length"][0],
                              include_prompt=found["include_prompt"][0])
