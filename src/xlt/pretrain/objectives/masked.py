"""Masked-LM loss computed on the masked positions only.

``BertForMaskedLM`` projects every position onto the vocabulary; with a 250k vocabulary that projection costs
more than the encoder. Only the ~15% masked positions have a label, so xlt runs the head on those alone
(same loss, several times faster: ``bench/pretrain_speed.py``).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def masked_lm_loss(model, input_ids: torch.Tensor, attention_mask: torch.Tensor, labels: torch.Tensor,
                   token_type_ids: torch.Tensor | None = None) -> torch.Tensor:
    """Mean cross-entropy over positions whose label is not -100 (``model``: a ``*ForMaskedLM``)."""
    encoder = model.base_model
    kwargs = {"token_type_ids": token_type_ids} if token_type_ids is not None else {}
    hidden = encoder(input_ids=input_ids, attention_mask=attention_mask, **kwargs).last_hidden_state
    selected = labels != -100
    if not selected.any():
        return hidden.sum() * 0.0  # nothing masked in this batch: no signal, keep the graph
    logits = mlm_head(model)(hidden[selected])
    return F.cross_entropy(logits.float(), labels[selected])


def mlm_head(model) -> torch.nn.Module:
    """The vocabulary-projection head of a ``*ForMaskedLM`` (BERT: ``cls``, RoBERTa/XLM-R: ``lm_head``)."""
    for name in ("cls", "lm_head", "vocab_projector"):
        if hasattr(model, name):
            return getattr(model, name)
    raise TypeError(f"{type(model).__name__}: no masked-LM head found (cls / lm_head)")
