"""Held-out masked-LM loss: the same sentences masked the same way (fixed seed) before and after training."""

from __future__ import annotations

import torch
from transformers import DataCollatorForLanguageModeling

from xlt.pretrain.objectives.masked import masked_lm_loss
from xlt.pretrain.sources import Mono


@torch.inference_mode()
def heldout_mlm_loss(model, tokenizer, spec, texts: Mono, *, max_length: int, mlm_probability: float = 0.15,
                     batch_size: int = 32, seed: int = 1234) -> dict[str, float]:
    """Mean cross-entropy per masked token, per language and over all (``"all"``)."""
    was_training = model.training
    model.eval()
    masker = DataCollatorForLanguageModeling(tokenizer, mlm_probability=mlm_probability, seed=seed)
    totals: dict[str, tuple[float, int]] = {}
    for lang, sentences in sorted(texts.items()):
        enc = tokenizer(spec.apply_prefix(sentences), truncation=True, max_length=max_length,
                        return_special_tokens_mask=True)
        loss_sum, count = 0.0, 0
        for start in range(0, len(sentences), batch_size):
            rows = [{k: enc[k][i] for k in ("input_ids", "special_tokens_mask")}
                    for i in range(start, min(start + batch_size, len(sentences)))]
            batch = masker(rows)
            mask = (batch["input_ids"] != tokenizer.pad_token_id).long()
            n = int((batch["labels"] != -100).sum())
            if n:
                loss_sum += float(masked_lm_loss(model, batch["input_ids"].to(model.device), mask.to(model.device),
                                                 batch["labels"].to(model.device))) * n
                count += n
        totals[lang] = (loss_sum, count)
    model.train(was_training)
    out = {lang: round(s / c, 4) for lang, (s, c) in totals.items() if c}
    all_sum, all_n = sum(s for s, _ in totals.values()), sum(c for _, c in totals.values())
    if all_n:
        out["all"] = round(all_sum / all_n, 4)
    return out
