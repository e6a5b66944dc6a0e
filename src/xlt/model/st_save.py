"""Write an encoder folder that ``SentenceTransformer(path)`` loads: xlt's prefix, pooling and length as
sentence-transformers' own files.

The folder holds the encoder's weights and tokenizer (the Transformer module, ``path: ""``) and beside them
``modules.json`` (Transformer, then Pooling in ``1_Pooling``), ``1_Pooling/config.json`` (``pooling_mode``:
``mean``, ``cls`` or ``lasttoken``; ``include_prompt``), ``config_sentence_transformers.json`` (the prefix as
the ``query`` prompt and ``default_prompt_name``) and ``sentence_bert_config.json`` (``max_seq_length``).
:func:`save_sentence_transformer` lets sentence-transformers write them where it is installed (a dev
dependency); :func:`write_st_files` writes them by hand, beside weights already in a folder.

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> write_st_files(folder, hidden_size=32, pooling="last", prefix="query: ", max_length=64)
>>> from xlt.model.st_config import st_max_length, st_pooling, st_prefix
>>> st_prefix(str(folder))[0], st_pooling(str(folder))[0], st_max_length(str(folder))[0]
('query: ', 'last', 64)
"""

from __future__ import annotations

import json
from pathlib import Path

from xlt.errors import ConfigError
from xlt.io import write_json
from xlt.model.st_config import ST_BERT_CONFIG_FILE, ST_CONFIG_FILE, ST_MODULES_FILE, ST_POOLINGS

#: xlt's pooling -> sentence-transformers' ``pooling_mode``
XLT_TO_ST_POOLING = {xlt: st for st, xlt in ST_POOLINGS.items()}
POOLING_FOLDER = "1_Pooling"
PROMPT_NAME = "query"
# the pre-6 module paths: sentence-transformers 6 still loads them, older versions know only them
_TRANSFORMER_TYPE, _POOLING_TYPE = "sentence_transformers.models.Transformer", "sentence_transformers.models.Pooling"


def st_pooling_mode(pooling: str) -> str:
    """sentence-transformers' name of xlt's ``pooling`` (``last`` -> ``lasttoken``)."""
    if pooling not in XLT_TO_ST_POOLING:
        raise ConfigError(f"pooling {pooling!r} has no sentence-transformers Pooling mode; known: "
                          f"{', '.join(XLT_TO_ST_POOLING)}")
    return XLT_TO_ST_POOLING[pooling]


def write_st_files(folder: Path, *, hidden_size: int, pooling: str, prefix: str, max_length: int,
                   include_prompt: bool = True) -> None:
    """The sentence-transformers files beside the weights and tokenizer already in ``folder``."""
    folder = Path(folder)
    write_json(folder / ST_MODULES_FILE, [
        {"idx": 0, "name": "0", "path": "", "type": _TRANSFORMER_TYPE},
        {"idx": 1, "name": "1", "path": POOLING_FOLDER, "type": _POOLING_TYPE},
    ])
    (folder / POOLING_FOLDER).mkdir(exist_ok=True)
    write_json(folder / POOLING_FOLDER / "config.json", {
        "word_embedding_dimension": hidden_size, "pooling_mode": st_pooling_mode(pooling),
        "include_prompt": include_prompt})
    write_json(folder / ST_BERT_CONFIG_FILE, {"max_seq_length": max_length, "do_lower_case": False})
    write_json(folder / ST_CONFIG_FILE, {
        "prompts": {PROMPT_NAME: prefix}, "default_prompt_name": PROMPT_NAME if prefix else None,
        "similarity_fn_name": "cosine"})


def save_sentence_transformer(encoder, tokenizer, folder: Path, *, pooling: str, prefix: str, max_length: int,
                              include_prompt: bool = True) -> Path:
    """``encoder`` + ``tokenizer`` as a sentence-transformers folder: written by sentence-transformers where it
    is installed, else by :func:`write_st_files`. ``folder`` must not exist yet or be empty."""
    folder = Path(folder)
    encoder.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    hidden = encoder.config.hidden_size
    try:
        import sentence_transformers as st
    except ImportError:  # a dev dependency only: the files are plain JSON
        write_st_files(folder, hidden_size=hidden, pooling=pooling, prefix=prefix, max_length=max_length,
                       include_prompt=include_prompt)
        return folder
    try:  # sentence-transformers >= 6; `sentence_transformers.models` before
        from sentence_transformers.sentence_transformer import modules
    except ImportError:
        from sentence_transformers import models as modules
    transformer = modules.Transformer(str(folder), max_seq_length=max_length)
    pool = modules.Pooling(hidden, pooling_mode=st_pooling_mode(pooling), include_prompt=include_prompt)
    prompts = {"prompts": {PROMPT_NAME: prefix}, "default_prompt_name": PROMPT_NAME} if prefix else {}
    st.SentenceTransformer(modules=[transformer, pool], device="cpu", **prompts).save(str(folder))
    _state_max_length(folder / ST_BERT_CONFIG_FILE, max_length)
    return folder


def _state_max_length(path: Path, max_length: int) -> None:
    """Add ``max_seq_length`` where sentence-transformers >= 6 keeps it only in the tokenizer config."""
    config = json.loads(path.read_text("utf-8")) if path.is_file() else {}
    if "max_seq_length" not in config:
        config["max_seq_length"] = max_length
        write_json(path, config)
