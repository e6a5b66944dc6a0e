"""Several training seeds of one config (``training.seeds: N``): one complete run folder per seed, and the spread.

::

    runs/<name>/
        config.yaml      the resolved config (training.seeds: N): ``xlt train runs/<name>/config.yaml --resume``
        seed-<s>/        a normal run folder for each seed s = training.seed, training.seed + 1, ...
        seeds.json       mean, sd and the seed / test-sample variance split per system and language (SeedSpread);
                         with training.average_score_both also the systems "xlt best-checkpoint" and "xlt averaged"
        report.md, report.html

Seed ``training.seed`` is the same run as the config with ``training.seeds: 1``: every seed trains on the same
split and is scored on the same test set; only the training seed (initialisation, data order, dropout, the
baselines' and the bootstrap's generators) changes. With ``--resume`` a finished seed is read back, not trained
again (its config.yaml must hold this config: ``YamlConfig.check_resumes``); a seed with a checkpoint resumes from
it; any other seed starts again. An interrupted run loses at most the seed in progress.
"""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

from transformers import TrainerCallback

from xlt.distributed import is_main_process, wait_for_everyone
from xlt.errors import ConfigError
from xlt.evaluate.report.seeds import write_seed_report
from xlt.evaluate.seed_spread import SeedSpread, seed_spread
from xlt.finetune.checkpoint_average import with_both_weights
from xlt.finetune.config import TrainConfig
from xlt.finetune.train import TrainedRun, train
from xlt.interrupt import TrainingInterrupted
from xlt.io import write_text
from xlt.run_folder import RunFolder, RunInfo

log = logging.getLogger("xlt")

SEEDS_FILE = "seeds.json"


@dataclass
class SeedRuns:
    """What a multi-seed ``train()`` returns: the parent folder, one :class:`TrainedRun` per seed, the spread."""

    root: Path
    runs: dict[int, TrainedRun]  # seed -> its run, in seed order
    spread: SeedSpread | None  # None in the processes other than the main one

    @property
    def seeds_json(self) -> Path:
        return self.root / SEEDS_FILE


def seed_list(config: TrainConfig) -> list[int]:
    """The seeds of ``config``: ``training.seed`` and the ``training.seeds - 1`` after it."""
    return list(range(config.training.seed, config.training.seed + config.training.seeds))


def seed_folder_name(seed: int) -> str:
    return f"seed-{seed}"


def seed_config(config: TrainConfig, seed: int) -> TrainConfig:
    """The single-seed config of one seed, writing into ``<run>/seed-<seed>/``."""
    return config.with_overrides([f"name={seed_folder_name(seed)}", f"output_dir={config.run_dir}",
                                  f"training.seed={seed}", "training.seeds=1"])


def is_finished(run: RunFolder) -> bool:
    """A run that scored its test languages and removed its checkpoints (what ``train()`` does at its end)."""
    return run.metrics.is_file() and run.run_info.is_file() and not run.checkpoints.exists()


def train_seeds(config: TrainConfig, *, resume: bool = False, overwrite: bool = False,
                callbacks: list[TrainerCallback] | None = None) -> SeedRuns:
    """Train and score ``config`` once per seed (:func:`seed_list`), then write ``seeds.json`` and the report."""
    parent = config.run_dir
    _check_parent(parent, config, resume=resume, overwrite=overwrite)
    wait_for_everyone()
    if is_main_process():
        if not resume and parent.exists():
            shutil.rmtree(parent)
        parent.mkdir(parents=True, exist_ok=True)
        write_text(parent / "config.yaml", config.to_yaml())
    runs: dict[int, TrainedRun] = {}
    for seed in seed_list(config):
        single = seed_config(config, seed)
        folder = RunFolder(single.run_dir)
        if resume and is_finished(folder):
            single.check_resumes(folder.config)
            log.info("seed %d: finished in %s, read back", seed, folder.root)
            runs[seed] = read_run(folder)
            continue
        log.info("seed %d of %s: %s", seed, ", ".join(map(str, seed_list(config))), folder.root)
        try:
            runs[seed] = train(single, resume=resume and folder.has_checkpoint(), overwrite=True,
                               callbacks=callbacks)
        except TrainingInterrupted:
            raise TrainingInterrupted(
                f"seed {seed} interrupted; a checkpoint is in {folder.checkpoints}, the seeds before it are "
                f"finished. Resume with: xlt train {parent / 'config.yaml'} --resume") from None
    spread = None
    if is_main_process():
        spread = seed_spread(_seed_results(config, runs), [seed_folder_name(seed) for seed in runs])
        write_text(parent / SEEDS_FILE, spread.model_dump_json(indent=2) + "\n")
        write_seed_report(spread, parent, config.name)
    wait_for_everyone()
    return SeedRuns(parent, runs, spread)


def _seed_results(config: TrainConfig, runs: dict[int, TrainedRun]) -> dict[int, dict]:
    """seed -> its scores; with ``training.average_score_both`` the best checkpoint and the average are two more
    systems (where every seed averaged: a spread needs each system in every seed)."""
    results = {seed: run.results for seed, run in runs.items()}
    if not config.training.average_score_both:
        return results
    both = {seed: with_both_weights(run.results, run.root, run.run_info.averaged_used) for seed, run in runs.items()}
    if any(value is None for value in both.values()):
        log.warning("training.average_score_both: not every seed averaged its checkpoints (too few epoch ends); "
                    "the spread shows the saved models only")
        return results
    return both


def read_run(folder: RunFolder) -> TrainedRun:
    """A finished run folder as the :class:`TrainedRun` that trained it (results without the ``run`` key)."""
    results = json.loads(folder.metrics.read_text("utf-8"))
    results.pop("run", None)
    return TrainedRun(folder, results, RunInfo.read(folder.run_info))


def read_spread(parent: str | Path) -> SeedSpread:
    """``seeds.json`` of a finished multi-seed run."""
    path = Path(parent) / SEEDS_FILE
    try:
        return SeedSpread.model_validate_json(path.read_text("utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no {SEEDS_FILE} (not a finished multi-seed run?)") from None


def _check_parent(parent: Path, config: TrainConfig, *, resume: bool, overwrite: bool) -> None:
    if resume:
        if not (parent / "config.yaml").is_file():
            raise ConfigError(f"--resume: {parent} holds no multi-seed run to resume")
        config.check_resumes(parent / "config.yaml")
    elif parent.exists() and any(parent.iterdir()) and not overwrite:
        raise ConfigError(f"run folder {parent} exists; pass --resume to continue it, --overwrite to "
                          "start again, or choose another name (--set name=...)")
