"""Sequence classification through the encoder's own pooling: mean for e5, the first token for LaBSE/bge-m3.

``AutoModelForSequenceClassification`` on a BERT checkpoint classifies the first token through a
pooler layer that e5 checkpoints do not have (it is initialised at random), while e5 learned to
make sentence vectors by averaging all tokens. No transformers class classifies a mean-pooled BERT
vector, so this small one does. It is self-contained (imports only torch and transformers):
``save_pretrained`` copies this file beside the weights, and the saved folder loads with plain
transformers (the pooling is ``config.xlt_pooling``: ``mean``, the default, ``cls`` or ``last``)::

    AutoModelForSequenceClassification.from_pretrained(folder, trust_remote_code=True)
    pipeline("text-classification", model=folder, trust_remote_code=True)
"""

from __future__ import annotations

import torch
from torch import nn
from transformers import AutoConfig, AutoModel, PreTrainedModel
from transformers.modeling_outputs import SequenceClassifierOutput


def mean_pool(hidden: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    """Average the token vectors of each sequence, ignoring padding."""
    mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)


def cls_pool(hidden: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    """The first token's vector (BERT's [CLS], XLM-R's <s>): LaBSE, bge-m3."""
    return hidden[:, 0]


def last_token_pool(hidden: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    """The last non-padding token's vector (decoder embedders such as e5-mistral), for either padding side."""
    if bool(attention_mask[:, -1].all()):  # left padding, or no padding at all
        return hidden[:, -1]
    last = attention_mask.sum(1) - 1
    return hidden[torch.arange(hidden.shape[0], device=hidden.device), last]


#: the poolings the head (and ``xlt.model.pooling``) knows; a config without ``xlt_pooling`` means mean
POOLINGS = {"mean": mean_pool, "cls": cls_pool, "last": last_token_pool}


class MeanPoolingForSequenceClassification(PreTrainedModel):
    """Encoder -> pooling (``config.xlt_pooling``, default mean) -> dropout -> linear, for any encoder
    ``AutoModel`` can build. The name is kept for the folders already saved with it."""

    config_class = AutoConfig
    base_model_prefix = "encoder"
    supports_gradient_checkpointing = True
    _supports_sdpa = True

    def __init__(self, config, encoder: nn.Module | None = None) -> None:
        super().__init__(config)
        self.num_labels = config.num_labels
        self.pooling = getattr(config, "xlt_pooling", None) or "mean"
        if self.pooling not in POOLINGS:
            raise ValueError(f"unknown xlt_pooling {self.pooling!r}; known: {', '.join(POOLINGS)}")
        config.xlt_pooling = self.pooling  # saved with the weights: the folder pools the same way when loaded
        if encoder is None:
            try:  # BERT-family encoders carry an unused pooler otherwise
                encoder = AutoModel.from_config(config, add_pooling_layer=False)
            except TypeError:
                encoder = AutoModel.from_config(config)
        self.encoder = encoder
        dropout = getattr(config, "classifier_dropout", None)
        self.dropout = nn.Dropout(dropout if dropout is not None else config.hidden_dropout_prob)
        self.classifier = nn.Linear(config.hidden_size, config.num_labels)
        self.post_init()

    def _init_weights(self, module: nn.Module) -> None:
        if module is self.classifier:
            nn.init.normal_(module.weight, std=getattr(self.config, "initializer_range", 0.02))
            nn.init.zeros_(module.bias)

    def get_input_embeddings(self) -> nn.Module:
        return self.encoder.get_input_embeddings()

    def pooled(self, input_ids=None, attention_mask=None, token_type_ids=None, **kwargs) -> torch.Tensor:
        if attention_mask is None:
            attention_mask = torch.ones_like(input_ids)
        extra = {"token_type_ids": token_type_ids} if token_type_ids is not None else {}
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask, **extra, **kwargs)
        return POOLINGS[self.pooling](hidden.last_hidden_state, attention_mask)

    def forward(self, input_ids=None, attention_mask=None, token_type_ids=None, labels=None,
                **kwargs) -> SequenceClassifierOutput:
        kwargs.pop("return_dict", None)
        pooled = self.pooled(input_ids, attention_mask, token_type_ids, **kwargs)
        logits = self.classifier(self.dropout(pooled))
        loss = None
        if labels is not None:
            loss = nn.functional.cross_entropy(logits.view(-1, self.num_labels), labels.view(-1))
        return SequenceClassifierOutput(loss=loss, logits=logits)
