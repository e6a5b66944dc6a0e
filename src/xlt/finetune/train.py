"""``train(config)``: a fine-tuning run in named stages, then the post-run steps its config asks for.

    prepare -> load model -> baselines -> fine-tune -> record -> save -> evaluate -> post-run steps -> card

Each stage is a function below, in that order; each calls into the module that owns the work. The post-run
steps (the weights checkpoint averaging did not keep, the translate-test/translate-train matrix, few-shot
learning curves, the train-language matrix) read the finished :class:`FineTuned` state and add to the run
folder and its report.

>>> from xlt.finetune.config import TrainConfig
>>> config = TrainConfig.model_validate({"name": "demo", "data": {"pool": {"format": "builtin:emoji-groups"},
...                                      "source_languages": ["en"]}})
>>> [step.__name__ for step in post_run_steps(config, ["en"])]
[]
>>> [step.__name__ for step in post_run_steps(config.with_overrides(["few_shot={languages: [de]}"]), ["en"])]
['few_shot_curves']
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from transformers import EarlyStoppingCallback, Trainer, TrainerCallback, set_seed

from xlt.distributed import is_main_process, num_processes, process_device, wait_for_everyone
from xlt.errors import ConfigError
from xlt.evaluate.report import write_report
from xlt.evaluate.run_evaluation import evaluate_languages, fit_baselines
from xlt.evaluate.transfer_risk import DEFAULT_SAMPLE, sampled_risk_texts
from xlt.finetune.checkpoint_average import NOT_KEPT, EpochWeights, swap_in
from xlt.finetune.config import TrainConfig
from xlt.finetune.few_shot import add_few_shot
from xlt.finetune.model_card import write_model_card
from xlt.finetune.save import save_delta, save_model
from xlt.finetune.strategies import Strategy, make_strategy, parameter_counts
from xlt.finetune.tasks import Task, get_task
from xlt.finetune.tracking import check_report_to, tracking_env
from xlt.finetune.translate_modes import check_supported, mode_rows, translate_train_data, translation_systems
from xlt.interrupt import GracefulInterrupt, TrainingInterrupted
from xlt.io import write_json, write_text
from xlt.model.loader import load_encoder, load_tokenizer
from xlt.run_folder import RunFolder, RunInfo
from xlt.training_args import from_settings, mean_loss_trainer

if TYPE_CHECKING:
    from xlt.finetune.seeds import SeedRuns

log = logging.getLogger("xlt")


@dataclass
class TrainedRun:
    folder: RunFolder
    results: dict
    run_info: RunInfo

    @property
    def root(self) -> Path:
        return self.folder.root


@dataclass
class FineTuned:
    """What the stages hand on: the run's data, the model as it trains and, later, its scores."""

    config: TrainConfig
    run: RunFolder
    task: Task
    data: dict
    source_languages: list[str]
    tokenizer: Any = None
    model: Any = None
    labels: list[str] = field(default_factory=list)
    baselines: dict = field(default_factory=dict)
    strategy: Strategy | None = None
    parameters: tuple[int, int] = (0, 0)  # (trainable, total) once the strategy is applied
    averaged: dict = field(default_factory=dict)  # RunInfo fields of checkpoint averaging, where asked for
    not_kept: dict | None = None  # the weights averaging put aside, where training.average_score_both asks for them
    run_info: RunInfo | None = None
    results: dict = field(default_factory=dict)


def train(config: TrainConfig, *, resume: bool = False, overwrite: bool = False,
          callbacks: list[TrainerCallback] | None = None, evaluate: bool = True) -> TrainedRun | SeedRuns:
    """Fine-tune ``config.model`` on the source languages and evaluate on every test language.

    With ``training.seeds`` above 1, one complete run per seed under the run folder and their spread: a
    :class:`~xlt.finetune.seeds.SeedRuns` (see :mod:`xlt.finetune.seeds`).

    ``callbacks`` join the Trainer's (e.g. the tuner's pruning callback). ``evaluate=False`` stops after
    training: run_info.json with the best source-dev score, no saved model, no test language scored
    (what a tuning trial needs). Under ``torchrun``/``accelerate launch`` every process trains, only the
    main one writes the run folder; the others return the same run_info and empty ``results``.
    """
    if config.training.seeds > 1:
        if not evaluate:
            raise ConfigError("training.seeds above 1 scores every seed; a run without evaluation (a tuning "
                              "trial) trains one seed: set training.seeds=1")
        from xlt.finetune.seeds import train_seeds  # it calls train() per seed: a cycle, resolved at call time

        return train_seeds(config, resume=resume, overwrite=overwrite, callbacks=callbacks)
    main = is_main_process()
    if num_processes() > 1 and config.evaluation.matrix:
        raise ConfigError("evaluation.matrix trains further models one after another: run it in one process")
    state = prepare(config, resume=resume, overwrite=overwrite)
    own = state.task.train_run(config, state.run, state.data, resume=resume)  # e.g. translation: its own loop
    if own is not None:
        if main:
            write_card(own.folder)
        return own
    load_model(state)
    fit_source_baselines(state)
    trainer, output, seconds = fine_tune(state, resume=resume, callbacks=callbacks or [])
    record(state, trainer, output, seconds, resume=resume)
    if not main or not evaluate:
        if main:
            write_json(state.run.run_info, state.run_info.as_dict())
            shutil.rmtree(state.run.checkpoints, ignore_errors=True)
        wait_for_everyone()  # the others return once the main process has written everything
        return TrainedRun(state.run, {}, state.run_info)
    save(state)
    evaluate_test_languages(state)
    shutil.rmtree(state.run.checkpoints, ignore_errors=True)  # finished: the model folder is what counts
    for step in post_run_steps(config, state.source_languages):
        step(state)
    write_card(state.run)  # last: it reads the finished metrics.json
    wait_for_everyone()
    return TrainedRun(state.run, state.results, state.run_info)


def prepare(config: TrainConfig, *, resume: bool, overwrite: bool) -> FineTuned:
    """The run folder (checked by every process, written by the main one), the seed, the task and the data."""
    run = RunFolder(config.run_dir)
    _check_folder(run, config, resume=resume, overwrite=overwrite)  # every process: the same error, or none
    wait_for_everyone()
    if is_main_process():
        _prepare_folder(run, resume=resume, overwrite=overwrite)
    set_seed(config.training.seed)
    check_report_to(config.training.report_to)
    task = get_task(config.task, config.task_options)
    data = config.data.load()  # seeded: the same split in every process
    if is_main_process():
        write_text(run.config, config.to_yaml())
        write_json(run.split, config.data.split_manifest())
    wait_for_everyone()
    return FineTuned(config, run, task, data, sorted(set(data["train"]["lang"])))


def load_model(state: FineTuned) -> None:
    """Translate-train data where asked, the tokenizer and encoder, and the label set (checked on dev/test)."""
    config, task, data = state.config, state.task, state.data
    check_supported(task, config.translate, state.source_languages)
    if config.translate.augment_train:  # the translate-train model: source rows + their translations
        data["train"] = translate_train_data(data["train"], config.translate)
    state.tokenizer = load_tokenizer(config.model)
    state.model = load_encoder(config.model).to(process_device())  # the frozen features run where training will
    state.labels = task.labels(data["train"])
    for split in ("dev", "test"):
        task.check_labels(data[split], state.labels, split, source=config.data.source_of(split))


def fit_source_baselines(state: FineTuned) -> None:
    """Baselines on the pretrained encoder's vectors, before training; the frozen-encoder one seeds the head."""
    config, task, data = state.config, state.task, state.data
    encoder = state.model
    features = task.frozen_features(encoder, state.tokenizer, config.model, config.training.eval_batch_size)
    baseline_names = task.baselines if config.evaluation.baselines is None else config.evaluation.baselines
    frozen_baseline = "frozen-encoder" in baseline_names
    probe_head = config.training.head_init == "probe" and "frozen-encoder" in task.baselines
    needed = (["train"] if frozen_baseline or probe_head else []) + (["test"] if frozen_baseline else [])
    for split in needed:
        features.add_dataset(data[split], desc=f"pretrained vectors ({split})")
    features.seal()
    state.baselines = fit_baselines(task, list(baseline_names), data["train"], features, config.training.seed)
    state.model = task.build_model(encoder, state.labels, dropout=config.training.dropout)
    if probe_head:
        probe = state.baselines.get("frozen-encoder") or fit_baselines(
            task, ["frozen-encoder"], data["train"], features, config.training.seed)["frozen-encoder"]
        task.init_head(state.model, probe, _label2id(state))


def fine_tune(state: FineTuned, *, resume: bool, callbacks: list[TrainerCallback]):
    """The strategy decides what trains; the HF Trainer trains; with ``training.average_checkpoints`` the mean of
    the last epoch ends replaces the best checkpoint where chosen. Returns (trainer, output, (wall, cpu) seconds)."""
    config, task, run, data = state.config, state.task, state.run, state.data
    state.strategy = make_strategy(config.strategy)
    state.model = state.strategy.apply(state.model)
    state.parameters = trainable, total = parameter_counts(state.model)
    log.info("strategy %s: %s of %s parameters train (%.1f%%)", state.strategy.config.name, f"{trainable:,}",
             f"{total:,}", 100 * trainable / total)
    label2id = _label2id(state)
    interrupt = GracefulInterrupt()
    epoch_weights = EpochWeights.for_run(config.training, run.checkpoints, dev_rows=len(data["dev"]))  # or None
    started, cpu_started = time.perf_counter(), time.process_time()
    with tracking_env(config.training.report_to, run.root, config.name):  # trackers read it when built
        trainer = _build_trainer(config, task, state.model, state.tokenizer, run, data, label2id, interrupt,
                                 [*([epoch_weights] if epoch_weights else []), *callbacks])
        output = trainer.train(resume_from_checkpoint=True if resume and run.has_checkpoint() else None)
    if interrupt.requested:
        raise TrainingInterrupted(
            f"training interrupted; a checkpoint is in {run.checkpoints}. "
            f"Resume with: xlt train {run.config} --resume")
    if epoch_weights:  # the best checkpoint is loaded: the average of the last epoch ends replaces it, or not
        state.averaged = epoch_weights.choose(trainer, config.training.average_select)
        state.not_kept = epoch_weights.not_kept if config.training.average_score_both else None
    return trainer, output, (time.perf_counter() - started, time.process_time() - cpu_started)


def record(state: FineTuned, trainer: Trainer, output, seconds: tuple[float, float], *, resume: bool) -> None:
    """The trained model to save (merged where the strategy allows) and the run's RunInfo."""
    config, task, data, strategy = state.config, state.task, state.data, state.strategy
    trained = trainer.model
    state.model = trained if strategy.saves_delta else strategy.export(trained)
    trainable, total = state.parameters
    train_seconds, train_cpu_seconds = seconds
    state.run_info = RunInfo(
        name=config.name, task=task.name, model=config.model.name, **config.model.recorded(),
        strategy=strategy.config.model_dump(), trainable_params=trainable, total_params=total,
        zero_shot=not config.training.select_on_target, zero_shot_note=zero_shot_note(config),
        train_seconds=round(train_seconds, 1), train_cpu_seconds=round(train_cpu_seconds, 1), resumed=resume,
        train_examples_per_second=round((trainer.state.epoch or 0) * len(data["train"]) / max(train_seconds, 1e-9), 2),
        train_loss=round(output.training_loss, 6),  # mean over the run's steps, all processes
        best_dev_metric=task.dev_metric_name, best_dev_score=trainer.state.best_metric,
        epochs_run=round(trainer.state.epoch or 0, 2), source_languages=state.source_languages,
        dev_languages=sorted(set(data["dev"]["lang"])), processes=num_processes(), data=data_summary(data),
        **state.averaged,
    )


def save(state: FineTuned) -> None:
    """A plain transformers folder, or (parameter-efficient strategies) the trained weights + the base's name."""
    config, task = state.config, state.task
    if state.strategy.saves_delta:
        save_delta(state.model, state.strategy, state.run.model, spec=config.model, task=task.name,
                   labels=state.labels, source_languages=state.source_languages, task_options=config.task_options)
    else:
        save_model(state.model, state.tokenizer, state.run.model, spec=config.model, task=task.name,
                   source_languages=state.source_languages, task_options=config.task_options)


def evaluate_test_languages(state: FineTuned) -> None:
    """Score the model, the baselines and any translate-test/translate-train systems on every test language."""
    config, task, model = state.config, state.task, state.model
    modes = translation_systems(config, state.run, task, model, state.tokenizer, state.data["test"],
                                state.source_languages)
    if modes:
        state.run_info.translate = {mode: config.translate.model_dump(mode="json")[mode.split("-")[1]]
                                    for mode in modes}
    state.results = evaluate_languages(
        model, state.tokenizer, config.model, task, state.data["test"], state.source_languages, state.run,
        baselines=state.baselines, run_info=state.run_info, settings=config.evaluation, seed=config.training.seed,
        extra_systems=modes, before_language=lambda lang: state.strategy.activate_language(model, lang),
        risk_source_texts=risk_source_texts(task, state.data["train"], config.training.seed),
    )


def risk_source_texts(task: Task, train, seed: int) -> list[str] | None:
    """The source texts the transfer risk compares each test language with: a seeded sample of the training
    rows (translate-train rows included, as the model saw them), as the task's ``risk_texts`` gives them."""
    return sampled_risk_texts(task, train, DEFAULT_SAMPLE, seed)


def score_not_kept(state: FineTuned) -> None:
    """The weights checkpoint averaging did not keep (the average or the best checkpoint), scored like the model
    on every test language into ``<run>/not-kept/`` (``training.average_score_both``); the model is unchanged."""
    if state.not_kept is None:
        log.warning("training.average_score_both: nothing was averaged (too few epoch ends), nothing to score")
        return
    config, used = state.config, state.run_info.averaged_used
    kept_aside = "the best checkpoint" if used else "the average of the last epoch ends"
    run_info = state.run_info.model_copy(update={
        "name": f"{config.name}: {kept_aside}, not kept", "averaged_used": not used,
        "weights_note": f"{kept_aside}, scored beside the saved model (training.average_score_both); the saved "
                        f"model holds {state.run_info.weights_note}"})
    saved = swap_in(state.model, state.not_kept)
    try:
        evaluate_languages(state.model, state.tokenizer, config.model, state.task, state.data["test"],
                           state.source_languages, RunFolder(state.run.root / NOT_KEPT), run_info=run_info,
                           settings=config.evaluation, seed=config.training.seed, show=False,
                           before_language=lambda lang: state.strategy.activate_language(state.model, lang))
    finally:
        swap_in(state.model, saved)


def translation_matrix(state: FineTuned) -> None:
    """Zero-shot, translate-test and translate-train as rows of the system x test-language matrix."""
    rows = mode_rows(state.results)
    if not rows:
        return
    write_json(state.run.root / "matrix.json", rows)
    write_report(state.results, state.run_info, state.run.root, matrix=rows,
                 extra_tables=state.results.get("tables"))


def few_shot_curves(state: FineTuned) -> None:
    """Learning curves on k target-language examples (``few_shot:``), after the zero-shot run."""

    add_few_shot(state.config, state.run, state.results, state.run_info, model=state.model,
                 strategy=state.strategy, task=state.task, tokenizer=state.tokenizer, test=state.data["test"],
                 labels=state.labels)


def language_matrix(state: FineTuned) -> None:
    """One more model per source language (``evaluation.matrix``), for the train x test language heatmap."""
    from xlt.finetune.matrix import add_language_matrix  # it calls train() again: a cycle, resolved at call time

    add_language_matrix(state.config, state.run, state.results, state.run_info)


def write_card(run: RunFolder) -> None:
    """The model folder's ``README.md`` (a Hub model card), where the run saved a model and scored it."""
    if run.model.is_dir() and run.metrics.is_file():
        write_model_card(run.root)


def post_run_steps(config: TrainConfig, source_languages: list[str]) -> list[Callable[[FineTuned], None]]:
    """The steps after evaluation that ``config`` asks for, in order."""
    steps: list[Callable[[FineTuned], None]] = []
    if config.training.average_score_both:
        steps.append(score_not_kept)
    if config.translate.enabled and not config.translate.augment_train:
        steps.append(translation_matrix)
    if config.few_shot is not None:
        steps.append(few_shot_curves)
    if config.evaluation.matrix and len(source_languages) > 1:
        steps.append(language_matrix)
    return steps


def _label2id(state: FineTuned) -> dict[str, int]:
    return {label: i for i, label in enumerate(state.labels)}


def _check_folder(run: RunFolder, config: TrainConfig, *, resume: bool, overwrite: bool) -> None:
    if resume:
        if not run.has_checkpoint():
            raise ConfigError(f"--resume: no checkpoint in {run.checkpoints} to resume from")
        config.check_resumes(run.config)
    elif run.root.exists() and any(run.root.iterdir()) and not overwrite:
        raise ConfigError(f"run folder {run.root} exists; pass --resume to continue it, --overwrite to "
                          "start again, or choose another name (--set name=...)")


def _prepare_folder(run: RunFolder, *, resume: bool, overwrite: bool) -> None:
    if resume:
        return
    if run.root.exists() and any(run.root.iterdir()):
        shutil.rmtree(run.root)
    run.root.mkdir(parents=True, exist_ok=True)


def data_summary(data: dict) -> dict[str, str]:
    """split -> "N rows in <languages>" for run_info."""
    return {split: f"{len(ds):,} rows in {', '.join(sorted(set(ds['lang'])))}" for split, ds in data.items()}


def zero_shot_note(config: TrainConfig) -> str:
    if config.training.select_on_target:
        return ("NOT zero-shot: the checkpoint was selected on target-language dev data "
                "(training.select_on_target=true).")
    return "Zero-shot: training and checkpoint selection used source-language data only."


def _build_trainer(config: TrainConfig, task, model, tokenizer, run: RunFolder, data: dict, label2id: dict[str, int],
                   interrupt: GracefulInterrupt, extra_callbacks: list[TrainerCallback]) -> Trainer:
    t = config.training
    train_ds, dev_ds = (task.encode(data[split], tokenizer, config.model, label2id) for split in ("train", "dev"))
    has_dev = len(dev_ds) > 0
    args = from_settings(
        t, run.checkpoints, eval_strategy="epoch" if has_dev else "no", save_strategy="epoch", save_total_limit=2,
        load_best_model_at_end=has_dev, metric_for_best_model=task.dev_metric_name, greater_is_better=True,
        logging_strategy="steps", logging_steps=max(1, int(len(train_ds) / t.batch_size / 4)),
        report_to=list(t.report_to) or "none", run_name=config.name,
        include_for_metrics=["inputs"] if task.dev_reads_inputs else [],
    )
    callbacks = [interrupt, *extra_callbacks]
    if has_dev and t.early_stopping_patience:
        callbacks.append(EarlyStoppingCallback(early_stopping_patience=t.early_stopping_patience))
    return mean_loss_trainer(Trainer(
        model=model, args=args, train_dataset=train_ds, eval_dataset=dev_ds if has_dev else None,
        data_collator=task.collator(tokenizer), processing_class=tokenizer,
        compute_metrics=task.dev_scorer(data["dev"], tokenizer, config.model) if has_dev else None, callbacks=callbacks,
    ))
