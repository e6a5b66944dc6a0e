"""``train(config)``: data -> model -> strategy -> Trainer -> saved model -> evaluation -> report.

Readable top to bottom; each step is a call into the module that owns it.

>>> from xlt.finetune.config import TrainConfig          # doctest: +SKIP
>>> run = train(TrainConfig.from_yaml("examples/sib200.yaml"))  # doctest: +SKIP
>>> run.root / "report.html"                                    # doctest: +SKIP
"""

from __future__ import annotations

import logging
import shutil
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import torch
from transformers import (
    EarlyStoppingCallback,
    Trainer,
    TrainerCallback,
    TrainingArguments,
    set_seed,
)

from xlt.errors import ConfigError
from xlt.finetune.config import TrainConfig
from xlt.finetune.distributed import is_main_process, num_processes, use_cpu, wait_for_everyone
from xlt.finetune.interrupt import GracefulInterrupt, TrainingInterrupted
from xlt.finetune.save import save_delta, save_model
from xlt.finetune.strategies import make_strategy, parameter_counts
from xlt.finetune.tasks import get_task
from xlt.finetune.tracking import check_report_to, tracking_env
from xlt.finetune.translate_modes import check_supported, mode_rows, translate_train_data, translation_systems
from xlt.io import write_json, write_text
from xlt.model.loader import load_encoder, load_tokenizer
from xlt.run_folder import RunFolder

log = logging.getLogger("xlt")


@dataclass
class TrainedRun:
    folder: RunFolder
    results: dict
    run_info: dict

    @property
    def root(self) -> Path:
        return self.folder.root


def train(config: TrainConfig, *, resume: bool = False, overwrite: bool = False,
          callbacks: list[TrainerCallback] | None = None, evaluate: bool = True) -> TrainedRun:
    """Fine-tune ``config.model`` on the source languages and evaluate on every test language.

    ``callbacks`` join the Trainer's (e.g. the tuner's pruning callback). ``evaluate=False`` stops after
    training: run_info.json with the best source-dev score, no saved model, no test language scored
    (what a tuning trial needs). Under ``torchrun``/``accelerate launch`` every process trains, only the
    main one writes the run folder; the others return the same run_info and empty ``results``.
    """
    from xlt.evaluate.run_evaluation import evaluate_languages, fit_baselines

    main, world = is_main_process(), num_processes()
    if world > 1 and config.evaluation.matrix:
        raise ConfigError("evaluation.matrix trains further models one after another: run it in one process")
    run = RunFolder(config.run_dir)
    _check_folder(run, resume=resume, overwrite=overwrite)  # every process: the same error, or none
    wait_for_everyone()
    if main:
        _prepare_folder(run, resume=resume, overwrite=overwrite)
    set_seed(config.training.seed)
    check_report_to(config.training.report_to)

    task = get_task(config.task, config.task_options)
    data = config.data.load()  # seeded: the same split in every process
    if main:
        write_text(run.config, config.to_yaml())
        write_json(run.split, config.data.split_manifest())
    wait_for_everyone()
    source_languages = sorted(set(data["train"]["lang"]))
    own = task.train_run(config, run, data, resume=resume)  # e.g. translation: a seq2seq model, its own loop
    if own is not None:
        return own
    check_supported(task.name, config.translate, source_languages)
    if config.translate.augment_train:  # the translate-train model: source rows + their translations
        data["train"] = translate_train_data(data["train"], config.translate)
    dev = data["dev"]  # source languages only, unless data.dev_languages and select_on_target say otherwise

    tokenizer = load_tokenizer(config.model)
    encoder = load_encoder(config.model)
    labels = task.labels(data["train"])
    for split in ("dev", "test"):
        task.check_labels(data[split], labels, split, source=config.data.source_of(split))
    label2id = {label: i for i, label in enumerate(labels)}

    # Vectors of the pretrained encoder for the probe head and the frozen baseline, before training.
    features = task.frozen_features(encoder, tokenizer, config.model, config.training.eval_batch_size)
    baseline_names = task.baselines if config.evaluation.baselines is None else config.evaluation.baselines
    frozen_baseline = "frozen-encoder" in baseline_names
    probe_head = config.training.head_init == "probe" and "frozen-encoder" in task.baselines
    needed = (["train"] if frozen_baseline or probe_head else []) + (["test"] if frozen_baseline else [])
    for split in needed:
        features.add_dataset(data[split], desc=f"pretrained vectors ({split})")
    features.seal()

    # Baselines are fitted now, on the pretrained vectors; the frozen-encoder one also seeds the head.
    baselines = fit_baselines(task, list(baseline_names), data["train"], features, config.training.seed)
    model = task.build_model(encoder, labels, dropout=config.training.dropout)
    if probe_head:
        probe = baselines.get("frozen-encoder") or fit_baselines(
            task, ["frozen-encoder"], data["train"], features, config.training.seed)["frozen-encoder"]
        task.init_head(model, probe, label2id)
    strategy = make_strategy(config.strategy)
    model = strategy.apply(model)
    trainable, total = parameter_counts(model)
    log.info("strategy %s: %s of %s parameters train (%.1f%%)", strategy.config.name, f"{trainable:,}",
             f"{total:,}", 100 * trainable / total)

    interrupt = GracefulInterrupt()
    started, cpu_started = time.perf_counter(), time.process_time()
    with tracking_env(config.training.report_to, run.root, config.name):  # trackers read it when built
        trainer = _build_trainer(config, task, model, tokenizer, run,
                                 task.encode(data["train"], tokenizer, config.model, label2id),
                                 task.encode(dev, tokenizer, config.model, label2id), interrupt, callbacks or [])
        output = trainer.train(resume_from_checkpoint=True if resume and run.has_checkpoint() else None)
    if interrupt.requested:
        raise TrainingInterrupted(
            f"training interrupted; a checkpoint is in {run.checkpoints}. "
            f"Resume with: xlt train {run.config} --resume")
    train_seconds = time.perf_counter() - started
    train_cpu_seconds = time.process_time() - cpu_started  # all threads; steadier than wall time on a shared CPU

    trained = trainer.model
    model = trained if strategy.saves_delta else strategy.export(trained)
    run_info = {
        "name": config.name, "task": task.name, "model": config.model.name,
        "prefix": config.model.resolved_prefix(), "strategy": strategy.config.model_dump(),
        "trainable_params": trainable, "total_params": total,
        "zero_shot": not config.training.select_on_target,
        "zero_shot_note": _zero_shot_note(config),
        "train_seconds": round(train_seconds, 1),  # of this call: after --resume, the resumed part only
        "train_cpu_seconds": round(train_cpu_seconds, 1),
        "resumed": resume,
        "train_examples_per_second": round((trainer.state.epoch or 0) * len(data["train"])
                                           / max(train_seconds, 1e-9), 2),
        "train_loss": round(output.training_loss, 6),  # mean over the run's steps, all processes
        "best_dev_metric": task.dev_metric_name, "best_dev_score": trainer.state.best_metric,
        "epochs_run": round(trainer.state.epoch or 0, 2),
        "source_languages": source_languages, "dev_languages": sorted(set(dev["lang"])),
        "processes": world,
        "data": {split: f"{len(data[split]):,} rows in {', '.join(sorted(set(data[split]['lang'])))}"
                 for split in data},
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    if not main or not evaluate:
        if main:
            write_json(run.run_info, run_info)
            shutil.rmtree(run.checkpoints, ignore_errors=True)
        wait_for_everyone()  # the others return once the main process has written everything
        return TrainedRun(run, {}, run_info)
    if strategy.saves_delta:  # only the trained weights + a pointer to the base model
        save_delta(model, strategy, run.model, spec=config.model, task=task.name, labels=labels,
                   source_languages=source_languages, task_options=config.task_options)
    else:
        save_model(model, tokenizer, run.model, spec=config.model, task=task.name,
                   source_languages=source_languages, task_options=config.task_options)
    modes = translation_systems(config, run, task, model, tokenizer, data["test"], source_languages)
    if modes:
        run_info["translate"] = {mode: config.translate.model_dump(mode="json")[mode.split("-")[1]]
                                 for mode in modes}
    results = evaluate_languages(
        model, tokenizer, config.model, task, data["test"], source_languages, run,
        baselines=baselines, run_info=run_info, settings=config.evaluation, seed=config.training.seed,
        extra_systems=modes, before_language=lambda lang: strategy.activate_language(model, lang),
    )
    if modes:  # zero-shot, translate-test and translate-train as rows of the system x test-language matrix
        from xlt.evaluate.report import write_report

        write_json(run.root / "matrix.json", mode_rows(results))
        write_report(results, run_info, run.root, matrix=mode_rows(results), extra_tables=results.get("tables"))
    shutil.rmtree(run.checkpoints, ignore_errors=True)  # finished: the model folder is what counts
    if config.few_shot is not None:
        from xlt.finetune.few_shot import add_few_shot

        add_few_shot(config, run, results, run_info, model=model, strategy=strategy, task=task, tokenizer=tokenizer,
                     test=data["test"], labels=labels)
    if config.evaluation.matrix and len(source_languages) > 1:
        from xlt.finetune.matrix import add_language_matrix

        add_language_matrix(config, run, results, run_info)
    wait_for_everyone()
    return TrainedRun(run, results, run_info)


def _check_folder(run: RunFolder, *, resume: bool, overwrite: bool) -> None:
    if resume:
        if not run.has_checkpoint():
            raise ConfigError(f"--resume: no checkpoint in {run.checkpoints} to resume from")
    elif run.root.exists() and any(run.root.iterdir()) and not overwrite:
        raise ConfigError(f"run folder {run.root} exists; pass --resume to continue it, --overwrite to "
                          "start again, or choose another name (--set name=...)")


def _prepare_folder(run: RunFolder, *, resume: bool, overwrite: bool) -> None:
    if resume:
        return
    if run.root.exists() and any(run.root.iterdir()):
        shutil.rmtree(run.root)
    run.root.mkdir(parents=True, exist_ok=True)


def _zero_shot_note(config: TrainConfig) -> str:
    if config.training.select_on_target:
        return ("NOT zero-shot: the checkpoint was selected on target-language dev data "
                "(training.select_on_target=true).")
    return "Zero-shot: training and checkpoint selection used source-language data only."


def _build_trainer(config: TrainConfig, task, model, tokenizer, run: RunFolder, train_ds, dev_ds,
                   interrupt: GracefulInterrupt, extra_callbacks: list[TrainerCallback]) -> Trainer:
    t = config.training
    has_dev = len(dev_ds) > 0
    bf16 = torch.cuda.is_available() and torch.cuda.is_bf16_supported()
    args = TrainingArguments(
        output_dir=str(run.checkpoints),
        num_train_epochs=t.epochs,
        max_steps=t.max_steps,
        learning_rate=t.learning_rate,
        per_device_train_batch_size=t.batch_size,
        per_device_eval_batch_size=t.eval_batch_size,
        gradient_accumulation_steps=t.gradient_accumulation,
        warmup_steps=t.warmup,
        weight_decay=t.weight_decay,
        label_smoothing_factor=t.label_smoothing,
        seed=t.seed,
        bf16=bf16,
        train_sampling_strategy="group_by_length" if t.length_grouped else "random",
        eval_strategy="epoch" if has_dev else "no",
        save_strategy="epoch",
        save_total_limit=2,
        load_best_model_at_end=has_dev,
        metric_for_best_model=task.dev_metric_name,
        greater_is_better=True,
        logging_strategy="steps",
        logging_steps=max(1, int(len(train_ds) / t.batch_size / 4)),
        report_to=list(t.report_to) or "none",
        run_name=config.name,
        dataloader_num_workers=0,
        use_cpu=use_cpu(),  # also what lets torchrun on a CPU machine run DDP over gloo
        dataloader_pin_memory=torch.cuda.is_available(),
    )
    callbacks = [interrupt, *extra_callbacks]
    if has_dev and t.early_stopping_patience:
        callbacks.append(EarlyStoppingCallback(early_stopping_patience=t.early_stopping_patience))
    trainer = Trainer(
        model=model, args=args, train_dataset=train_ds, eval_dataset=dev_ds if has_dev else None,
        data_collator=task.collator(tokenizer), processing_class=tokenizer,
        compute_metrics=task.dev_metric, callbacks=callbacks,
    )
    # Every xlt model returns the mean loss of its batch. A forward with **kwargs makes the Trainer assume the
    # model divides by the global item count itself (num_items_in_batch): it would then multiply the loss by
    # the number of processes (DDP: gradients x2 with 2 processes) and skip the division by the gradient
    # accumulation steps. Saying "no" gives the plain mean over the global batch in every setting.
    trainer.model_accepts_loss_kwargs = False
    return trainer
