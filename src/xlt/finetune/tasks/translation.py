"""Machine translation: fine-tune any Hugging Face seq2seq model (Marian, mBART, M2M100, NLLB, mT5).

Data are ordinary table rows (JSONL/CSV/TSV): ``text`` is the source sentence, ``label`` the
reference translation, ``lang`` the target language (one direction per language; the source
language is ``task_options.source_lang``). Training is its own loop (:mod:`xlt.finetune.seq2seq`:
``AutoModelForSeq2SeqLM``, ``DataCollatorForSeq2Seq``, ``Seq2SeqTrainer``); prediction is beam search
with a length limit; scores are sacreBLEU BLEU and chrF with the tokenizer of the target language,
beside the copy-the-source baseline.

Language tags: mBART-50, M2M100 and NLLB need ``task_options.src_lang``/``tgt_lang`` in the model's
own codes (e.g. ``en_XX``/``es_XX``); the target code is forced as first generated token. Marian and
mT5 need none.

>>> task = TranslationTask(source_lang="eng")
>>> task.metrics, task.primary_metric
(('bleu', 'chrf'), 'bleu')
>>> CopySource().fit(["a"], ["b"]).predict(["hola"])
['hola']
"""

from __future__ import annotations

from collections.abc import Sequence

from datasets import Dataset
from pydantic import BaseModel

from xlt.errors import ConfigError
from xlt.finetune.tasks.base import Task
from xlt.model.spec import ModelSpec
from xlt.translate.hf import generate
from xlt.translate.lang_tags import set_languages


class CopySource:
    """The copy-the-source baseline: the 'translation' is the source text itself (names, numbers match)."""

    name = "copy-source"

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> CopySource:
        return self

    def predict(self, texts: Sequence[str]) -> list[str]:
        return list(texts)


class Translated(BaseModel):
    """One translated text."""

    translation: str


class TranslationTask(Task):
    name = "translation"
    metrics = ("bleu", "chrf")
    primary_metric = "bleu"
    baselines = {"copy-source": lambda embed, seed: CopySource()}
    auto_model_class = "AutoModelForSeq2SeqLM"
    pipeline_tag = "translation"

    def saved_labels(self, model) -> list[str]:
        return []  # free text, not classes

    def __init__(self, source_lang: str | None = None, src_lang: str | None = None, tgt_lang: str | None = None,
                 num_beams: int = 4, max_new_tokens: int = 128, no_repeat_ngram_size: int = 0) -> None:
        self.source_lang = source_lang  # data language code of the source side (for the report)
        self.src_lang, self.tgt_lang = src_lang, tgt_lang  # the model's language codes (mBART, M2M100, NLLB)
        self.num_beams, self.max_new_tokens = num_beams, max_new_tokens
        self.no_repeat_ngram_size = no_repeat_ngram_size  # 0: off; n: no n-gram twice in one translation
        self.forced_bos_token_id: int | None = None

    def labels(self, train: Dataset) -> list[str]:
        return []  # free text, not classes

    def check_labels(self, ds: Dataset, labels: list[str], split: str, source: str | None = None) -> None:
        """References are free text: nothing to check against a label set."""

    def gold(self, ds: Dataset) -> list[str]:
        return [str(t).strip() for t in ds["label"]]

    def baseline_inputs(self, ds: Dataset) -> list[str]:
        return [str(t).strip() for t in ds["text"]]

    def risk_texts(self, ds: Dataset) -> None:
        """None: every direction reads source-language text; what differs per language is the output."""
        return None

    def prepare_tokenizer(self, tokenizer, model_name: str = "model") -> None:
        """Set language tags where the family needs them; remember the forced BOS for generation."""

        self.forced_bos_token_id = set_languages(tokenizer, self.src_lang, self.tgt_lang, model=model_name)

    def encode(self, ds: Dataset, tokenizer, spec: ModelSpec, label2id: dict[str, int]) -> Dataset:
        enc = tokenizer(spec.apply_prefix(list(ds["text"])), text_target=list(ds["label"]), truncation=True,
                        max_length=spec.resolved_max_length())
        columns = {k: enc[k] for k in ("input_ids", "attention_mask", "labels")}
        columns["length"] = [len(ids) for ids in enc["input_ids"]]
        return Dataset.from_dict(columns)

    def collator(self, tokenizer, model=None):
        from transformers import DataCollatorForSeq2Seq

        return DataCollatorForSeq2Seq(tokenizer, model=model, label_pad_token_id=-100)

    def predict(self, model, tokenizer, spec: ModelSpec, ds: Dataset, *, batch_size: int = 32) -> list[str]:

        bos = self.forced_bos_token_id
        if bos is None and self.tgt_lang:
            self.prepare_tokenizer(tokenizer)
            bos = self.forced_bos_token_id
        return generate(model, tokenizer, spec.apply_prefix(list(ds["text"])), forced_bos_token_id=bos,
                        num_beams=self.num_beams, max_length=spec.resolved_max_length(),
                        max_new_tokens=self.max_new_tokens,
                        batch_size=batch_size, no_repeat_ngram_size=self.no_repeat_ngram_size)

    def predict_inputs(self, saved, rows: list[dict], *, batch_size: int = 32) -> list[Translated]:
        texts = self.predict(saved.model, saved.tokenizer, saved.spec,
                             Dataset.from_dict({"text": [r["text"] for r in rows]}), batch_size=batch_size)
        return [Translated(translation=t) for t in texts]

    def check_training(self, training) -> None:
        if training.average_checkpoints:
            raise ConfigError("task translation trains in its own seq2seq loop, which does not average "
                              "checkpoints: set training.average_checkpoints: 0")

    def train_run(self, config, run, data, *, resume: bool = False):
        from xlt.finetune.seq2seq import train_seq2seq  # seq2seq builds on train(), which imports the tasks

        return train_seq2seq(self, config, run, data, resume=resume)
