"""``run_continual(config)``: an existing run trained further on a new language, with and without mitigation.

The base run's model is scored on every test language (its own test data and the new data's test
set) before; then, once per mitigation, a copy is trained on the new language's training data and
scored again. Forgetting on each earlier (training) language and gain on each new language come
out of the same predictions; the report also shows every test language's score per system with
bootstrap intervals. Mitigations:

- ``none``: plain further training (the base run's strategy decides what trains);
- ``replay``: a random sample of the earlier training data mixed in (``replay_fraction`` of the new set);
- ``l2sp`` / ``ewc``: a penalty toward the starting weights (see :mod:`.penalties`);
- ``adapter``: one adapter per language: the old model is frozen, the new language gets its own
  bottleneck adapter, used only for inputs in that language (earlier languages are untouched by
  construction; the model must be told the input language).

Only a new *language* with the same label set is supported; a new label set is refused with a clear
error (the head would need new rows; not built yet).

::

    name: continual-emoji-ja
    base_run: runs/emoji-groups
    data: {pool: builtin:emoji-groups, source_languages: [ja]}
    mitigations: [{name: none}, {name: replay}, {name: l2sp, weight: 1.0}, {name: ewc}, {name: adapter}]
"""

from __future__ import annotations

import copy
import json
import logging
import math
import tempfile
import time
from pathlib import Path
from typing import Any, ClassVar, Literal

import datasets
import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from xlt.config_file import YamlConfig
from xlt.corpus.config import DataConfig
from xlt.corpus.leakage import shared_ids
from xlt.corpus.schema import LANG, values
from xlt.corpus.subset import select_languages
from xlt.errors import ConfigError
from xlt.evaluate.report import write_report
from xlt.evaluate.scores import score_systems
from xlt.finetune.continual.forgetting import forgetting, gain
from xlt.finetune.continual.penalties import EWC, L2SP, PenalisedTrainer
from xlt.finetune.few_shot import reload_for_training
from xlt.io import write_json
from xlt.model.bottleneck_adapter import add_adapter, set_active, slots
from xlt.model.parts import freeze
from xlt.run_folder import RunInfo
from xlt.training_args import mean_loss_trainer, training_arguments

log = logging.getLogger("xlt")


class Mitigation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Literal["none", "replay", "l2sp", "ewc", "adapter"]
    replay_fraction: float = 0.5  # replay: earlier examples added, as a share of the new training set
    weight: float = 1.0  # l2sp / ewc penalty weight
    fisher_examples: int = 64  # ewc: earlier training examples for the Fisher estimate
    reduction_factor: int = 16  # adapter
    learning_rate: float | None = None  # None: training.learning_rate (a new adapter usually wants ~1e-3)

    @property
    def label(self) -> str:
        extra = {"replay": f" {self.replay_fraction:g}", "l2sp": f" {self.weight:g}", "ewc": f" {self.weight:g}"}
        return self.name + extra.get(self.name, "") + (f" lr {self.learning_rate:g}" if self.learning_rate else "")


class ContinualSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    epochs: float = 2
    learning_rate: float = 5e-5
    batch_size: int = 32
    seed: int = 0
    bootstrap_resamples: int = 200
    train_limit: int | None = None  # use a random sample of this many new training rows (quick looks)
    test_limit: int | None = None  # score on a fixed random sample of this many test rows per language


class ContinualConfig(YamlConfig):
    model_config = ConfigDict(extra="forbid")
    kind: ClassVar[str] = "continual config"

    name: str
    base_run: str
    data: DataConfig  # the new data; its source_languages are the new language(s)
    old_test_languages: list[str] | None = None  # score only these of the base run's test languages (default all)
    mitigations: list[Mitigation] = Field(default_factory=lambda: [
        Mitigation(name=n) for n in ("none", "replay", "l2sp", "ewc", "adapter")])
    training: ContinualSettings = Field(default_factory=ContinualSettings)
    output_dir: str = "runs"


def _predict_all(model, task, tokenizer, spec, test, route) -> dict[str, tuple[list, list]]:
    out = {}
    for lang in dict.fromkeys(values(test, LANG)):
        ds = test.select([i for i, la in enumerate(values(test, LANG)) if la == lang])
        route(model, lang)
        out[lang] = (task.gold(ds), task.predict(model, tokenizer, spec, ds))
    return out


def _train(model, task, tokenizer, spec, train_ds, label2id, settings: ContinualSettings, penalty,
           learning_rate: float | None = None) -> float:

    encoded = task.encode(train_ds, tokenizer, spec, label2id)
    with tempfile.TemporaryDirectory(prefix="xlt-continual-") as tmp:
        args = training_arguments(tmp, learning_rate=learning_rate or settings.learning_rate,
                                  batch_size=settings.batch_size, seed=settings.seed,
                                  num_train_epochs=settings.epochs, warmup_steps=0.1, save_strategy="no",
                                  eval_strategy="no", logging_strategy="no", disable_tqdm=True)
        started = time.perf_counter()
        model.train()
        mean_loss_trainer(PenalisedTrainer(model=model, args=args, train_dataset=encoded,
                                           data_collator=task.collator(tokenizer), processing_class=tokenizer,
                                           penalty=penalty)).train()
        return time.perf_counter() - started


def _sample(ds: datasets.Dataset, n: int, seed: int) -> datasets.Dataset:
    n = min(n, len(ds))
    return ds.select(sorted(np.random.default_rng(seed).choice(len(ds), size=n, replace=False).tolist()))


def run_continual(config: ContinualConfig) -> dict[str, Any]:
    """Train ``config.base_run`` further on ``config.data`` once per mitigation; write report and JSON."""

    base, base_config, saved, task, strategy, model0 = reload_for_training(config.base_run)
    old, new = base_config.data.load(), config.data.load()
    if config.old_test_languages:

        missing = sorted(set(config.old_test_languages) - set(values(old["test"], LANG)))
        if missing:
            raise ConfigError(f"old_test_languages {missing} are not among the base run's test languages")
        old["test"] = select_languages(old["test"], config.old_test_languages)
    old_languages = sorted(set(values(old["train"], LANG)))
    new_languages = sorted(set(values(new["train"], LANG)))
    if set(new_languages) & set(old_languages):
        raise ConfigError(f"continual: new languages {new_languages} overlap the base run's {old_languages}")
    labels = task.saved_labels(saved.model)
    unknown = sorted({str(x) for x in task.labels(new["train"])} - set(labels))
    task.use_labels(labels)
    if unknown:
        raise ConfigError(f"continual: the new data has labels the base run lacks {unknown[:5]}; only a new "
                          "language with the same labels is supported so far (a new label set needs new head rows)")
    extra_test = new["test"].select([i for i, la in enumerate(values(new["test"], LANG))
                                     if la not in set(values(old["test"], LANG))])
    test = datasets.concatenate_datasets([old["test"], extra_test])
    if config.training.test_limit:
        rng, keep = np.random.default_rng(0), []
        for lang in dict.fromkeys(values(test, LANG)):
            rows = [i for i, la in enumerate(values(test, LANG)) if la == lang]
            keep += rows if len(rows) <= config.training.test_limit else \
                rng.choice(rows, size=config.training.test_limit, replace=False).tolist()
        test = test.select(sorted(keep))
    if leaked := shared_ids(test, new["train"]):
        raise ConfigError(f"continual: {len(leaked)} test item(s) of the base run are in the new training data "
                          f"(e.g. {sorted(leaked)[:3]}); use the same split seed and fractions as the base run")
    label2id = {label: i for i, label in enumerate(labels)}
    spec, tokenizer = saved.spec, saved.tokenizer
    if config.training.train_limit:
        new["train"] = _sample(new["train"], config.training.train_limit, config.training.seed)

    def default_route(model, lang):
        strategy.activate_language(model, lang)

    predictions = {"before": _predict_all(model0, task, tokenizer, spec, test, default_route)}
    info: dict[str, dict] = {}
    report: dict[str, Any] = {}
    for mitigation in config.mitigations:
        log.info("continual: %s", mitigation.label)
        model = copy.deepcopy(model0)
        train_ds, penalty, route = new["train"], None, default_route
        if mitigation.name == "replay":
            n = math.ceil(mitigation.replay_fraction * len(new["train"]))
            train_ds = datasets.concatenate_datasets([new["train"], _sample(old["train"], n, config.training.seed)])
        elif mitigation.name == "l2sp":
            penalty = L2SP(model, mitigation.weight)
        elif mitigation.name == "ewc":
            sample = _sample(old["train"], mitigation.fisher_examples, config.training.seed)
            collate = task.collator(tokenizer)
            examples = [collate([row]) for row in task.encode(sample, tokenizer, spec, label2id)
                        .remove_columns(["length"])]
            penalty = EWC(model, mitigation.weight, examples)
        elif mitigation.name == "adapter":
            freeze(model)
            below = next((list(s.active) for s in slots(model)), [])
            name = "continual_" + "_".join(new_languages)
            add_adapter(model, name, reduction_factor=mitigation.reduction_factor)
            set_active(model, below + [name])

            def route(model, lang, below=below, name=name):
                default_route(model, lang)
                set_active(model, below + [name] if lang in new_languages else below)
        seconds = _train(model, task, tokenizer, spec, train_ds, label2id, config.training, penalty,
                         mitigation.learning_rate)
        predictions[mitigation.label] = _predict_all(model, task, tokenizer, spec, test, route)
        info[mitigation.label] = {"train_seconds": round(seconds, 1), "train_rows": len(train_ds),
                                  "trainable_params": sum(p.numel() for p in model.parameters() if p.requires_grad)}
        del model
        report = _write_results(config, base, task, predictions, info, old_languages, new_languages)
    return report


def _write_results(config: ContinualConfig, base, task, predictions: dict, info: dict, old_languages: list[str],
                   new_languages: list[str]) -> dict[str, Any]:
    """Score, summarise and write ``continual.json`` and the report (after every mitigation: partial runs count)."""

    results = score_systems(predictions, old_languages, metrics=task.metrics, primary=task.primary_metric,
                            seed=config.training.seed, n_resamples=config.training.bootstrap_resamples)
    metric = task.primary_metric
    score = {system: {lang: row[metric] for lang, row in r["languages"].items()}
             for system, r in results["systems"].items()}
    others = [lang for lang in score["before"] if lang not in old_languages and lang not in new_languages]
    summary = {}
    for system in predictions:
        if system == "before":
            continue
        summary[system] = {
            "gain": gain(score["before"], score[system], new_languages),
            "forgetting": forgetting(score["before"], score[system], old_languages),
            "change_other": {lang: round(score[system][lang] - score["before"][lang], 12) for lang in others},
            **info[system],
        }
    table = {system: {**{f"gain {lang}": v for lang, v in s["gain"].items()},
                      **{f"forgetting {lang}": v for lang, v in s["forgetting"].items()},
                      **{f"Δ {lang}": v for lang, v in s["change_other"].items()},
                      "train s": int(s["train_seconds"])}
             for system, s in summary.items()}
    out = Path(config.output_dir) / config.name
    report = {"base_run": str(base.root), "old_languages": old_languages, "new_languages": new_languages,
              "metric": metric, "scores": score, "summary": summary,
              "settings": config.model_dump(mode="json"),
              "note": "forgetting = before - after on each earlier training language; gain = after - before on "
                      "each new language; Δ = after - before on the other (zero-shot) test languages"}
    write_json(out / "continual.json", report)
    run_info = RunInfo(name=config.name, task=task.name,
                       model=f"{base.root} + further training on {', '.join(new_languages)}",
                       zero_shot=True,
                       zero_shot_note="Continual learning: systems are the base model before and after further "
                                      "training on the new language, per mitigation.")
    write_report(results, run_info, out, extra_tables={
        f"Gain on the new language and forgetting on earlier ones ({metric}, after − before; "
        "forgetting = before − after)": table})
    log.info("continual: %s", json.dumps(summary))
    return report
