"""Few-shot target data: what k labelled examples per class in a target language buy.

After the source-language run, ``few_shot: {languages: [de, zh], k: [0, 8, 32, 128], seeds: 3}`` in the
train config continues the source-trained model (same strategy, same trainable weights) on k target
examples per class, once per seed, and scores it on that language's test set. ``k = 0`` is the
zero-shot model itself. The examples come from the target language's *train/dev* items only: the
rows of the items the split put into train or dev (a ``pool`` config), or the train/dev files read
for that language; any item whose id is among the test items is removed first, so a test item is
never drawn (:func:`sample_k_per_class`). Classes: labels (classification), tags without ``B-``/``I-``
(tagging: k sentences containing each), none (QA: k questions).

The run folder gets ``few_shot.json`` and the report a learning-curve figure (mean over seeds with
a t-interval, and each seed's point).
"""

from __future__ import annotations

import copy
import logging
import math
import tempfile
from collections.abc import Callable
from statistics import fmean, stdev
from typing import Any

import datasets
import numpy as np

from xlt.corpus.schema import ID, LANG, values
from xlt.corpus.split import split_by_item
from xlt.corpus.subset import select_languages
from xlt.errors import ConfigError, DataError
from xlt.evaluate.metrics import get_metric, metric_label
from xlt.evaluate.report import write_report
from xlt.evaluate.report.figures import _COLORS, to_png
from xlt.finetune.config import FewShotConfig, TrainConfig
from xlt.finetune.load import load_saved
from xlt.finetune.strategies import make_strategy
from xlt.finetune.tasks import get_task
from xlt.io import write_json
from xlt.run_folder import RunFolder, RunInfo
from xlt.training_args import mean_loss_trainer, training_arguments

log = logging.getLogger("xlt")


def sample_k_per_class(pool: datasets.Dataset, k: int, seed: int, classes_of: Callable[[dict], set[str]],
                       exclude_ids: set[str]) -> datasets.Dataset:
    """Up to ``k`` examples per class from ``pool``, never one whose id is in ``exclude_ids`` (test items).

    ``classes_of(row)`` names the classes an example counts for (a task's ``few_shot_classes``).
    Classes are visited in sorted order; an example already drawn for one class also counts for the
    others it has. Fewer than ``k`` are drawn where the pool has fewer.

    >>> from xlt.corpus.schema import make_dataset
    >>> pool = make_dataset({"id": list("abcdef"), "lang": ["de"] * 6, "text": list("xxxxxx"),
    ...                      "label": ["p", "p", "p", "n", "n", "n"]})
    >>> drawn = sample_k_per_class(pool, 2, seed=0, classes_of=lambda row: {row["label"]}, exclude_ids={"a", "d"})
    >>> sorted(drawn["label"]), set(drawn["id"]) & {"a", "d"}
    (['n', 'n', 'p', 'p'], set())
    """
    keep = [i for i, item in enumerate(values(pool, ID)) if item not in exclude_ids]
    pool = pool.select(keep)
    if k <= 0 or len(pool) == 0:
        return pool.select([])
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(pool)).tolist()
    rows = [pool[i] for i in order]
    by_class: dict[str, list[int]] = {}
    for position, row in enumerate(rows):
        for cls in classes_of(row):
            by_class.setdefault(cls, []).append(position)
    chosen: list[int] = []
    count: dict[str, int] = {}
    taken: set[int] = set()
    for cls in sorted(by_class):
        for position in by_class[cls]:
            if count.get(cls, 0) >= k:
                break
            if position not in taken:
                taken.add(position)
                chosen.append(position)
                for c in classes_of(rows[position]):
                    count[c] = count.get(c, 0) + 1
    drawn = pool.select([order[p] for p in sorted(chosen)])
    leaked = set(values(drawn, ID)) & exclude_ids
    if leaked:  # cannot happen after the filter above; fail loudly if it ever does
        raise DataError(f"few-shot sample holds test item(s) {sorted(leaked)[:3]}")
    return drawn


def target_pool(data_config, lang: str) -> datasets.Dataset:
    """Labelled rows of ``lang`` from the train/dev side of ``data_config`` (never its test items)."""

    if data_config.pool is not None:
        s = data_config.split
        parts = split_by_item(data_config.pool.load(), s.train, s.dev, s.test, seed=s.seed, group_by=s.group_by,
                              group_language=data_config.source_languages[0] if data_config.source_languages
                              else None)
        pool = datasets.concatenate_datasets([parts["train"], parts["dev"]])
    else:
        specs = data_config.specs("train") + data_config.specs("dev")
        loaded = []
        for spec in specs:
            spec = spec if spec.is_builtin else spec.model_copy(update={"languages": [lang]})
            try:
                loaded.append(spec.load())
            except (FileNotFoundError, DataError) as err:
                log.info("few-shot pool: %s has no %s data (%s)", spec.path or spec.format, lang, err)
        pool = datasets.concatenate_datasets(loaded) if loaded else None
    if pool is None or lang not in set(values(pool, LANG)):
        raise DataError(f"few-shot: no labelled {lang!r} rows on the train/dev side of the data (test rows are "
                        "never used); give train/dev files with that language or a pool that has it",
                        field="few_shot.languages")
    return select_languages(pool, [lang])


def t_interval(scores: list[float], confidence: float = 0.95) -> tuple[float, float]:
    """Student-t interval of the mean across seeds (the points themselves when there is one)."""
    from scipy import stats

    if len(scores) < 2:
        return (scores[0], scores[0]) if scores else (math.nan, math.nan)
    half = stats.t.ppf(0.5 + confidence / 2, len(scores) - 1) * stdev(scores) / math.sqrt(len(scores))
    return fmean(scores) - half, fmean(scores) + half


def _score(task, model, tokenizer, spec, ds, lang: str) -> float:

    return float(get_metric(task.primary_metric, lang)(task.gold(ds), task.predict(model, tokenizer, spec, ds)))


def _continue_training(model, task, tokenizer, spec, train_ds, label2id, cfg: FewShotConfig, lr: float,
                       seed: int) -> None:
    from transformers import Trainer

    encoded = task.encode(train_ds, tokenizer, spec, label2id)
    steps_per_epoch = math.ceil(len(encoded) / cfg.batch_size)
    steps = max(cfg.min_steps, math.ceil(cfg.epochs * steps_per_epoch))
    with tempfile.TemporaryDirectory(prefix="xlt-few-shot-") as tmp:
        args = training_arguments(tmp, learning_rate=lr, batch_size=cfg.batch_size, seed=seed, max_steps=steps,
                                  warmup_steps=0.1, save_strategy="no", eval_strategy="no", logging_strategy="no",
                                  disable_tqdm=True)
        mean_loss_trainer(Trainer(model=model, args=args, train_dataset=encoded,
                                  data_collator=task.collator(tokenizer), processing_class=tokenizer)).train()


def run_few_shot(cfg: FewShotConfig, *, model, strategy, task, tokenizer, spec, data_config, test, labels,
                 learning_rate: float, on_progress=None) -> dict[str, Any]:
    """Learning curves: language -> k -> per-seed scores, mean and interval (see the module docstring).

    Points are computed k by k (every language and seed of one k before the next k), and
    ``on_progress(result)`` is called after each k, so a stopped run keeps its complete points.
    """
    label2id = {label: i for i, label in enumerate(labels)}
    test_ids = set(values(test, ID))
    tests, pools = {}, {}
    for lang in cfg.languages:
        rows = [i for i, la in enumerate(values(test, LANG)) if la == lang]
        if not rows:
            raise ConfigError(f"few_shot.languages: {lang!r} is not among the test languages")
        if cfg.test_limit and len(rows) > cfg.test_limit:
            rows = sorted(np.random.default_rng(0).choice(rows, size=cfg.test_limit, replace=False).tolist())
        tests[lang] = test.select(rows)
        pools[lang] = target_pool(data_config, lang)
        log.info("few-shot %s: %d labelled train/dev rows to draw from, %d test rows", lang, len(pools[lang]),
                 len(rows))
    result: dict[str, Any] = {
        "metric": task.primary_metric, "confidence": cfg.confidence, "seeds": cfg.seeds,
        "pool": "train/dev items of the target language (test items excluded)",
        "test_rows": {lang: len(ds) for lang, ds in tests.items()}, "curves": {lang: {} for lang in cfg.languages}}
    for k in sorted(set(cfg.k)):
        for lang in cfg.languages:
            seeds = [0] if k == 0 else list(range(cfg.seeds))
            scores, sizes = [], []
            for seed in seeds:
                trained = model if k == 0 else copy.deepcopy(model)
                sample = sample_k_per_class(pools[lang], k, seed, task.few_shot_classes, test_ids)
                strategy.activate_language(trained, lang)
                if k > 0:
                    trained.train()
                    _continue_training(trained, task, tokenizer, spec, sample, label2id, cfg,
                                       cfg.learning_rate or learning_rate, seed)
                scores.append(_score(task, trained, tokenizer, spec, tests[lang], lang))
                sizes.append(len(sample))
                log.info("few-shot %s k=%d seed=%d: %d examples, %s %.3f", lang, k, seed, len(sample),
                         task.primary_metric, scores[-1])
                if trained is not model:
                    del trained
            low, high = t_interval(scores, cfg.confidence)
            result["curves"][lang][str(k)] = {"scores": scores, "examples": sizes, "mean": fmean(scores),
                                              "low": low, "high": high}
        if on_progress is not None:
            on_progress(result)
    return result


def few_shot_table(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Report table: language -> ``k=..`` -> mean score (0..1)."""
    return {lang: {f"k={k}": point["mean"] for k, point in curve.items()} for lang, curve in result["curves"].items()}


def few_shot_png(result: dict[str, Any]) -> bytes:
    """Learning curves: mean per k with the interval as a band and each seed as a dot; k on a category axis."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.5, 4))
    ax = fig.add_subplot()
    ks = sorted({int(k) for curve in result["curves"].values() for k in curve})
    for i, (lang, curve) in enumerate(result["curves"].items()):
        color = _COLORS[i % len(_COLORS)]
        xs = [ks.index(int(k)) for k in curve]
        ax.plot(xs, [100 * p["mean"] for p in curve.values()], "-o", color=color, label=lang)
        ax.fill_between(xs, [100 * p["low"] for p in curve.values()], [100 * p["high"] for p in curve.values()],
                        color=color, alpha=0.15)
        for x, p in zip(xs, curve.values(), strict=True):
            ax.scatter([x] * len(p["scores"]), [100 * s for s in p["scores"]], color=color, s=10, alpha=0.6)
    ax.set_xticks(range(len(ks)), [str(k) for k in ks])
    ax.set_xlabel("labelled target examples per class (k)")
    ax.set_ylabel(f"{metric_label(result['metric'])} (×100)")
    ax.set_title(f"Few-shot learning curves: mean of {result['seeds']} seeds, "
                 f"{100 * result['confidence']:g}% t-interval")
    ax.grid(alpha=0.3)
    ax.legend(frameon=False)
    return to_png(fig)


def add_few_shot(config, run, results: dict, run_info: dict, *, model, strategy, task, tokenizer, test,
                 labels: list[str]) -> dict[str, Any]:
    """Run the learning curves of ``config.few_shot`` and add them to the run's folder and report."""

    result = run_few_shot(config.few_shot, model=model, strategy=strategy, task=task, tokenizer=tokenizer,
                          spec=config.model, data_config=config.data, test=test, labels=labels,
                          learning_rate=config.training.learning_rate,
                          on_progress=lambda r: write_json(run.root / "few_shot.json", r))
    write_json(run.root / "few_shot.json", result)
    tables = dict(results.get("tables") or {})
    tables[f"Few-shot: mean {result['metric']} over {result['seeds']} seeds per k (k = 0: zero-shot)"] = \
        few_shot_table(result)
    write_report(results, run_info, run.root, extra_tables=tables,
                 figures={"Few-shot learning curves (target train/dev examples; never test items)":
                          few_shot_png(result)})
    return result


def reload_for_training(run_root):
    """A finished run's model, config, task and strategy, with the strategy's trainable weights as in training."""

    run = RunFolder.find(run_root)
    if run is None:
        raise ConfigError(f"{run_root} is not a run folder (needs config.yaml and model/)")
    config = TrainConfig.from_yaml(run.config)
    saved = load_saved(run.model)
    task = get_task_for(saved)
    if saved.strategy is not None:  # rebuilt by its strategy: adapters/prompt/LoRA train, the rest is frozen
        strategy, model = saved.strategy, saved.model
    else:  # a plain folder: freeze again what the strategy froze
        strategy = make_strategy(config.strategy)
        model = strategy.apply(saved.model)
    return run, config, saved, task, strategy, model


def get_task_for(saved):

    task = get_task(saved.task, saved.task_options)
    task.use_labels(list(saved.model.config.id2label.values()))
    return task


def few_shot_for_run(run_root, few_shot: FewShotConfig, output=None) -> dict[str, Any]:
    """Learning curves for an already trained run (``xlt few-shot RUN --languages de,zh``)."""
    import json
    from pathlib import Path

    run, config, saved, task, strategy, model = reload_for_training(run_root)
    test = config.data.load()["test"]
    labels = task.saved_labels(saved.model)
    out = Path(output) if output else run.root / "few-shot"
    metrics = json.loads(run.metrics.read_text("utf-8"))
    info = RunInfo.read(run.run_info)

    def write(result: dict) -> None:  # after every k: a stopped run keeps its complete points
        write_json(out / "few_shot.json", result)
        tables = {f"Few-shot: mean {result['metric']} over {result['seeds']} seeds per k (k = 0: zero-shot)":
                  few_shot_table(result)}
        write_report(metrics, info, out, extra_tables=tables,
                     figures={"Few-shot learning curves (target train/dev examples; never test items)":
                              few_shot_png(result)})

    return run_few_shot(few_shot, model=model, strategy=strategy, task=task, tokenizer=saved.tokenizer,
                        spec=saved.spec, data_config=config.data, test=test, labels=labels,
                        learning_rate=config.training.learning_rate, on_progress=write)
