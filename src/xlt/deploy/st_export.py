"""``xlt export RUN --format sentence-transformers``: the run's fine-tuned encoder as a folder that
``SentenceTransformer(path)`` loads, with the run's prefix (the default prompt), pooling and input length.

The task head is left out: ``encode`` gives the pooled vectors the head read. A parameter-efficient run exports
where its strategy merges into the encoder's weights (LoRA); bottleneck adapters and a tuned prompt are not
weights of a plain encoder, so those runs are refused.

>>> export_variant("runs/sib200", "sentence-transformers")  # doctest: +SKIP
PosixPath('runs/sib200/exports/sentence-transformers')
>>> SentenceTransformer("runs/sib200/exports/sentence-transformers").encode(["a text"])  # doctest: +SKIP
"""

from __future__ import annotations

import copy
from pathlib import Path

from xlt.errors import ConfigError
from xlt.model.parts import encoder_of
from xlt.model.st_save import save_sentence_transformer


def write_sentence_transformers(job, folder: Path) -> None:
    """Write ``job``'s encoder (an :class:`xlt.deploy.export.ExportJob`) and tokenizer to ``folder``."""
    model, strategy = job.model, job.saved.strategy
    if strategy is not None:
        try:  # merged into a copy: the loaded model stays as it is
            model = strategy.merge(copy.deepcopy(model))
        except ConfigError as err:
            raise ConfigError(f"--format sentence-transformers needs a plain encoder: {err}") from None
    encoder = encoder_of(model)
    found = job.saved.spec.resolution()
    save_sentence_transformer(encoder, job.saved.tokenizer, folder, pooling=found["pooling"][0],
                              prefix=found["prefix"][0], max_length=found["max_length"][0],
                              include_prompt=found["include_prompt"][0])
