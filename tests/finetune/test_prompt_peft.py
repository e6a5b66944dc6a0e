"""Why ``prompt`` wraps the model itself: what PEFT 0.21's prompt tuning does with encoder tasks.

If a PEFT release fixes token classification, the first test fails and the wrapper can be reconsidered.
"""

from __future__ import annotations

import pytest
import torch

from xlt.finetune.strategies import make_strategy
from xlt.finetune.tasks import get_task
from xlt.model.loader import load_encoder
from xlt.model.spec import ModelSpec

from tests.finetune.helpers import TEXTS


def test_peft_prompt_tuning_breaks_token_classification(tiny_model, tiny_tokenizer) -> None:
    from peft import PromptTuningConfig, TaskType, get_peft_model
    from transformers import AutoModelForTokenClassification

    model = AutoModelForTokenClassification.from_pretrained(tiny_model, num_labels=3)
    peft_model = get_peft_model(model, PromptTuningConfig(task_type=TaskType.TOKEN_CLS, num_virtual_tokens=4))
    batch = tiny_tokenizer(TEXTS, padding=True, return_tensors="pt")
    with pytest.raises(ValueError, match="batch_size"):  # labels are not shifted by the virtual tokens
        peft_model(**batch, labels=torch.zeros_like(batch["input_ids"]))
    assert peft_model(**batch).logits.shape[1] == batch["input_ids"].shape[1] + 4  # logits not cut either


@pytest.mark.parametrize("task_name", ["classification", "tagging", "qa"])
def test_xlt_prompt_outputs_line_up_with_the_tokens_and_train(task_name, tiny_model, tiny_tokenizer) -> None:
    task = get_task(task_name)
    model = task.build_model(load_encoder(ModelSpec(name=str(tiny_model))), ["B-X", "O"] if task_name == "tagging"
                             else ["a", "b"])
    wrapped = make_strategy({"name": "prompt", "num_virtual_tokens": 4}).apply(model)
    batch = tiny_tokenizer(TEXTS, padding=True, return_tensors="pt")
    n, length = len(TEXTS), batch["input_ids"].shape[1]
    if task_name == "qa":
        out = wrapped(**batch, start_positions=torch.ones(n, dtype=torch.long), end_positions=torch.ones(n).long())
        assert out.start_logits.shape == (n, length)
    elif task_name == "tagging":
        out = wrapped(**batch, labels=torch.zeros_like(batch["input_ids"]))
        assert out.logits.shape == (n, length, 2)
    else:
        out = wrapped(**batch, labels=torch.zeros(n, dtype=torch.long))
        assert out.logits.shape == (n, 2)
    out.loss.backward()
    trained = {name for name, p in wrapped.named_parameters() if p.grad is not None}
    assert "prompt" in trained and not any(".encoder." in f".{name}" and "layer" in name for name in trained)
