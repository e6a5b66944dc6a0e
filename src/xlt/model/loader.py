"""Load tokenizers and encoders for a :class:`ModelSpec`: built-in, local folder or hub id."""

from __future__ import annotations

import os
from pathlib import Path

from xlt.errors import ModelError
from xlt.model.builtin import provision
from xlt.model.spec import ModelSpec


def model_path(spec: ModelSpec) -> str:
    """A local folder or hub id that ``from_pretrained`` accepts (built-ins are provisioned first)."""
    if spec.is_builtin:
        return str(provision(spec.name))
    return spec.name


def _offline_hint(name: str, err: Exception) -> ModelError:
    local = Path(name)
    if local.exists():
        return ModelError(f"cannot load model folder {name}: {err}")
    offline = os.environ.get("HF_HUB_OFFLINE") == "1"
    return ModelError(
        f"cannot load {name!r}: it is not a local folder and the Hugging Face hub "
        f"{'is switched off (HF_HUB_OFFLINE=1)' if offline else 'could not be reached'}. "
        "Download it on a machine with internet (`huggingface-cli download "
        f"{name} --local-dir DIR`) and pass DIR, or use the built-in model "
        "`builtin:multilingual-e5-small`. Original error: " + str(err).splitlines()[0]
    )


def load_tokenizer(spec: ModelSpec):
    from transformers import AutoTokenizer

    path = model_path(spec)
    try:
        kwargs = {k: v for k, v in spec.load_kwargs().items() if k != "dtype"}
        tokenizer = AutoTokenizer.from_pretrained(path, **kwargs)
    except (OSError, ValueError) as err:
        raise _offline_hint(path, err) from err
    length = spec.resolved_max_length()
    tokenizer.model_max_length = min(length, tokenizer.model_max_length or length)
    return tokenizer


def load_encoder(spec: ModelSpec):
    """The bare encoder (``AutoModel``) without any task head.

    Its config carries the spec's resolved pooling as ``xlt_pooling``: the pooling every user of this
    encoder (sentence vectors, the classification head built on it) applies.
    """
    from transformers import AutoModel

    path = model_path(spec)
    kwargs = spec.load_kwargs()
    try:
        try:  # BERT-family checkpoints of sentence encoders have no pooler; don't build a random one
            encoder = AutoModel.from_pretrained(path, add_pooling_layer=False, **kwargs)
        except TypeError:
            encoder = AutoModel.from_pretrained(path, **kwargs)
    except (OSError, ValueError) as err:
        raise _offline_hint(path, err) from err
    encoder.config.xlt_pooling = spec.resolved_pooling()
    return encoder
