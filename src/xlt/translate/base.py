"""The translator interface: a named backend that turns a batch of texts into a batch of translations.

A backend is one file with a :class:`Translator` subclass plus one :func:`xlt.translate.register_translator` call.
Callers go through :func:`xlt.translate.translate_texts`, which adds the disk cache, batching and a
progress bar, so backends only translate.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from xlt.errors import XltError


class TranslationError(XltError):
    """A translator cannot run (missing program, model or language pair) or failed on a batch."""


class Translator(ABC):
    """Translate lists of texts; ``cache_key`` names everything that changes the output."""

    #: default number of texts per :meth:`translate_batch` call
    batch_size: int = 64
    #: what follows ``backend:`` in a translator name (for messages: ``apertium:<pair>``)
    argument: str = "argument"
    #: the backend runs a model on a torch device and takes a ``device`` option (``auto``, ``cpu``, ``cuda``...)
    runs_on_device: bool = False

    @property
    @abstractmethod
    def cache_key(self) -> str:
        """Backend, model and settings, e.g. ``apertium:eng-spa`` or ``hf:DIR|src=en_XX|tgt=es_XX|beams=4``."""

    @abstractmethod
    def translate_batch(self, texts: list[str]) -> list[str]:
        """One translation per text, in order; raise :class:`TranslationError` on any failure."""

    def check(self) -> None:  # noqa: B027 (optional hook, deliberately empty)
        """Fail early (before any batch) when the backend cannot run; the default checks nothing."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.cache_key})"
