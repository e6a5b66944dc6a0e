"""The pretraining configuration: one YAML file, every field typed and defaulted.

>>> cfg = PretrainConfig.model_validate({"name": "t", "objectives": {"mlm": {"data": [{"text": "x/{lang}.txt",
...                                      "languages": ["de"]}]}}})
>>> cfg.sampling.alpha, cfg.objectives["mlm"].weight, cfg.training.mlm_probability
(0.3, 1.0, 0.15)
>>> cfg.with_overrides(["training.max_steps=5"]).training.max_steps
5
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from xlt.config_file import Warmup, YamlConfig
from xlt.model.spec import ModelSpec
from xlt.pretrain.objectives import OBJECTIVES


class SourceSpec(BaseModel):
    """Where text comes from: exactly one of ``text`` and ``parallel``.

    - ``text``: raw text, one sentence per line (``xlt.corpus.readers.raw_text``): a path with ``{lang}``.
    - ``parallel``: translation pairs (``xlt.corpus.readers.parallel``): a preset (``tatoeba``, ``ntrex``,
      ``pud``), ``"lines:SRC|TGT"`` / ``"pud:SRC|TGT"`` or a mapping of ``ParallelSpec`` fields.
      Pairs are ``xx -> tgt_lang`` (the presets: xx -> English). A monolingual objective (``mlm``) uses
      the sentences of ``sides`` as text.

    ``languages`` picks languages (``{lang}`` values); ``skip`` drops the first lines (pairs) of each
    language, e.g. to keep them for a test; ``limit`` keeps at most that many after the skipped ones.
    """

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)

    text: str | None = None
    parallel: str | dict[str, Any] | None = None
    languages: list[str] | None = None
    skip: int = Field(0, ge=0)
    limit: int | None = Field(None, gt=0)
    sides: Literal["both", "src", "tgt"] = "both"

    @model_validator(mode="after")
    def _one_kind(self) -> SourceSpec:
        if (self.text is None) == (self.parallel is None):
            raise ValueError("give exactly one of text (raw text path) and parallel (translation pairs)")
        return self


class ObjectiveSpec(BaseModel):
    """One training objective: its weight in the summed loss, its data and its options."""

    model_config = ConfigDict(extra="forbid")

    weight: float = Field(1.0, gt=0)
    data: list[SourceSpec] = Field(min_length=1)
    options: dict[str, Any] = Field(default_factory=dict)


class SamplingSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    alpha: float = Field(0.3, ge=0)  # p(lang) ∝ size ** alpha (XLM-R: 0.3); size = sentences (pairs) available


class PretrainSettings(BaseModel):
    """Optimisation settings; a step trains every objective on one batch each and sums the weighted losses."""

    model_config = ConfigDict(extra="forbid")

    max_steps: int = Field(1000, ge=1)  # the data is an endless stream: steps, not epochs, end training
    learning_rate: float = Field(2e-5, gt=0, lt=1)
    warmup: Warmup = 0.06
    weight_decay: float = Field(0.01, ge=0)
    batch_size: int = Field(16, ge=1)  # per objective
    gradient_accumulation: int = Field(1, ge=1)
    max_length: int = Field(128, ge=1)  # tokens per sequence (a TLM pair shares it)
    mlm_probability: float = Field(0.15, gt=0, le=1)  # share of the tokens masked
    heldout: int = Field(100, ge=0)  # mono lines per language kept out of training to measure the MLM loss
    freeze_embeddings: bool = False  # keep the (tied) embedding matrix fixed: ~80% fewer updated weights in e5
    head_warmup_steps: int = Field(0, ge=0)  # a new MLM head: first train the head alone (encoder frozen)
    seed: int = Field(0, ge=0)  # numpy's generators take no negative seed
    # where every loop of the run trains (Trainer, head warm-up, held-out loss, language adapters): auto (a CUDA
    # GPU, else MPS, else the CPU; under torchrun each process's own GPU), cpu, cuda, cuda:N or mps
    device: str = "auto"
    save_steps: int = Field(200, ge=1)
    logging_steps: int = Field(10, ge=1)


class LanguageAdapterSettings(BaseModel):
    """MAD-X language adapters: one bottleneck adapter per ``mlm`` language, trained with MLM, the encoder frozen.

    The folders (``<run>/language_adapters/<lang>``) are what the ``madx`` strategy's ``language_adapters``
    takes; ``names`` renames data languages to the test languages they serve (``{deu: deu_Latn}``).
    """

    model_config = ConfigDict(extra="forbid")

    reduction_factor: int = Field(2, ge=1)  # MAD-X: 2 (a language needs more capacity than a task)
    activation: Literal["relu", "gelu", "tanh"] = "relu"
    placement: Literal["ffn", "both"] = "ffn"
    names: dict[str, str] = Field(default_factory=dict)


class PretrainConfig(YamlConfig):
    """Everything a pretraining run needs. ``xlt pretrain CONFIG --set training.max_steps=50``."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)
    kind: ClassVar[str] = "pretraining configuration"
    resume_may_change: ClassVar[tuple[str, ...]] = (
        "training.max_steps", "training.device", "training.save_steps", "training.logging_steps")

    name: str
    model: ModelSpec = Field(default_factory=ModelSpec)
    teacher: str | None = None  # distillation teacher: a model folder; None: a frozen copy of the starting model
    objectives: dict[str, ObjectiveSpec] = Field(min_length=1)
    sampling: SamplingSettings = Field(default_factory=SamplingSettings)
    training: PretrainSettings = Field(default_factory=PretrainSettings)
    language_adapters: LanguageAdapterSettings | None = None  # set: train adapters, leave the encoder as it is
    output_dir: str = "runs"

    @model_validator(mode="after")
    def _known_objectives(self) -> PretrainConfig:

        unknown = sorted(set(self.objectives) - set(OBJECTIVES))
        if unknown:
            raise ValueError(f"unknown objectives {unknown}; known: {sorted(OBJECTIVES)}")
        if self.language_adapters is not None and set(self.objectives) != {"mlm"}:
            raise ValueError(f"language_adapters are trained with the mlm objective only; this config has "
                             f"{sorted(self.objectives)}")
        return self
