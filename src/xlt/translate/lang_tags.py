"""Language tags of multilingual seq2seq families: the tokenizer's ``src_lang``/``tgt_lang`` and forced BOS.

mBART-50, M2M100 and NLLB tokenizers put a source-language token in the input and must start the
output with the target-language token (``forced_bos_token_id`` at generation, the first label token in
training, which their tokenizers add themselves once ``tgt_lang`` is set). Marian (one model per
direction) and mT5 (a task prefix, if any, goes in the text) take no tags.
"""

from __future__ import annotations

from xlt.errors import ConfigError


def needs_language_tags(tokenizer) -> bool:
    """True for tokenizers with language codes (mBART, M2M100, NLLB)."""
    return hasattr(tokenizer, "src_lang") and (hasattr(tokenizer, "lang_code_to_id")
                                               or hasattr(tokenizer, "get_lang_id")
                                               or "NllbTokenizer" in type(tokenizer).__name__
                                               or "MBart" in type(tokenizer).__name__)


def set_languages(tokenizer, src_lang: str | None, tgt_lang: str | None, *, model: str = "model") -> int | None:
    """Set the tokenizer's languages; return the ``forced_bos_token_id`` for generation (None: no tags).

    Raises a :class:`ConfigError` when the family needs codes and they are missing or unknown.
    """
    if not needs_language_tags(tokenizer):
        return None
    if not src_lang or not tgt_lang:
        raise ConfigError(f"{model} is a multilingual model with language tags ({type(tokenizer).__name__}): set "
                          "src_lang and tgt_lang to its codes, e.g. en_XX/es_XX (mBART-50), en/es (M2M100), "
                          "eng_Latn/spa_Latn (NLLB)")
    tokenizer.src_lang = src_lang
    tokenizer.tgt_lang = tgt_lang
    if hasattr(tokenizer, "get_lang_id"):  # M2M100: "es" -> "__es__"
        bos = tokenizer.get_lang_id(tgt_lang)
    else:
        bos = tokenizer.convert_tokens_to_ids(tgt_lang)
    if bos is None or bos == tokenizer.unk_token_id:
        raise ConfigError(f"{model}: {tgt_lang!r} is not one of its language codes")
    return int(bos)
