"""The architecture's own ``*ForSequenceClassification`` around a loaded encoder: a head that needs no remote code.

A folder saved with it loads with ``AutoModelForSequenceClassification.from_pretrained(folder)`` alone, so
text-embeddings-inference, optimum and hosts that refuse ``trust_remote_code`` can run it. The class pools
the way its architecture does (BERT: the first token through a dense + tanh pooler; XLM-R: the first token
through a two-layer head), not with the encoder's own pooling; an encoder checkpoint loaded without a pooler
(xlt's encoders) starts that pooler at random.
"""

from __future__ import annotations

import logging

from torch import nn

from xlt.errors import ModelError

log = logging.getLogger(__name__)


def stock_classifier(encoder: nn.Module, config) -> nn.Module:
    """``AutoModelForSequenceClassification`` for ``config`` (labels set) holding ``encoder``'s weights."""
    from transformers import AutoModelForSequenceClassification

    model = AutoModelForSequenceClassification.from_config(config)
    model.to(dtype=next(encoder.parameters()).dtype, device=next(encoder.parameters()).device)
    result = model.base_model.load_state_dict(encoder.state_dict(), strict=False)
    if result.unexpected_keys:  # the encoder has weights the class has no place for: not the same architecture
        raise ModelError(f"{type(model).__name__} has no place for the encoder's weights "
                         f"{', '.join(result.unexpected_keys[:5])}")
    if result.missing_keys:
        log.info("%s: starting at random: %s (the encoder checkpoint has no such weights)",
                 type(model).__name__, ", ".join(result.missing_keys))
    return model
