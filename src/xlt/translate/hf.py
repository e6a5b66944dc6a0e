"""``hf:<model>``: any Hugging Face seq2seq translation model (Marian, mBART, M2M100, NLLB, mT5).

The model is a local folder or a hub id; offline, a hub id fails with the project's hub message.
It loads on ``device`` (``auto``: a CUDA GPU, else MPS, else the CPU), where every batch goes too.
Generation is beam search with a length limit; batches are sorted by length to pad little.
"""

from __future__ import annotations

from xlt.device import resolve_device
from xlt.model.loader import _offline_hint
from xlt.translate.base import Translator
from xlt.translate.lang_tags import set_languages


class HFTranslator(Translator):
    batch_size = 16
    argument = "model"
    runs_on_device = True

    def __init__(self, model: str, *, src_lang: str | None = None, tgt_lang: str | None = None,
                 num_beams: int = 4, max_length: int = 256, max_new_tokens: int = 256,
                 device: str = "auto") -> None:
        self.model_name = model
        self.device = resolve_device(device)  # fails here, before any batch, for a device that is not there
        self.src_lang, self.tgt_lang = src_lang, tgt_lang
        self.num_beams, self.max_length, self.max_new_tokens = num_beams, max_length, max_new_tokens
        self._loaded = None

    @property
    def cache_key(self) -> str:  # no device: the same model and settings translate alike on any device
        return (f"hf:{self.model_name}|src={self.src_lang}|tgt={self.tgt_lang}|beams={self.num_beams}"
                f"|max_len={self.max_length}|max_new={self.max_new_tokens}")

    def check(self) -> None:
        self._load()

    def _load(self):
        if self._loaded is None:
            from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

            try:
                tokenizer = AutoTokenizer.from_pretrained(self.model_name)
                model = AutoModelForSeq2SeqLM.from_pretrained(self.model_name).to(self.device).eval()
            except (OSError, ValueError) as err:
                raise _offline_hint(self.model_name, err) from err
            bos = set_languages(tokenizer, self.src_lang, self.tgt_lang, model=self.model_name)
            self._loaded = (model, tokenizer, bos)
        return self._loaded

    def translate_batch(self, texts: list[str]) -> list[str]:
        model, tokenizer, bos = self._load()
        return generate(model, tokenizer, texts, forced_bos_token_id=bos, num_beams=self.num_beams,
                        max_length=self.max_length, max_new_tokens=self.max_new_tokens, batch_size=self.batch_size)


def generate(model, tokenizer, texts: list[str], *, forced_bos_token_id: int | None = None, num_beams: int = 4,
             max_length: int = 256, max_new_tokens: int = 256, batch_size: int = 16,
             no_repeat_ngram_size: int = 0) -> list[str]:
    """Beam-search translations of ``texts`` in order (length-sorted batches, inputs cut at ``max_length``), each
    batch on the model's device.

    ``no_repeat_ngram_size`` > 0 forbids repeating an n-gram of that size in one output (transformers'
    ``generate`` option; it keeps an under-trained model out of ``de de de ...`` loops).
    """
    import torch

    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out: list[str] = [""] * len(texts)
    device = next(model.parameters()).device
    extra = {"forced_bos_token_id": forced_bos_token_id} if forced_bos_token_id is not None else {}
    if no_repeat_ngram_size:
        extra["no_repeat_ngram_size"] = no_repeat_ngram_size
    for start in range(0, len(order), batch_size):
        idx = order[start:start + batch_size]
        enc = tokenizer([texts[i] for i in idx], return_tensors="pt", padding=True, truncation=True,
                        max_length=max_length).to(device)
        with torch.inference_mode():
            ids = model.generate(**enc, num_beams=num_beams, max_new_tokens=max_new_tokens, **extra)
        for i, text in zip(idx, tokenizer.batch_decode(ids, skip_special_tokens=True), strict=True):
            out[i] = text.strip()
    return out
