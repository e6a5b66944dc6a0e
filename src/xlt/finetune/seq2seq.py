"""The training loop of the translation task: a seq2seq model fine-tuned with ``Seq2SeqTrainer``.

Same run folder, checkpoints, Ctrl-C/resume, report and copy-source baseline as the encoder tasks;
the checkpoint is chosen on source-dev loss (generation-based BLEU on dev at every epoch would cost
more than the training itself on a CPU). ``loss_curve.json`` keeps the training and dev losses.
"""

from __future__ import annotations

import logging
import shutil
import time

from xlt.evaluate.run_evaluation import evaluate_languages, fit_baselines
from xlt.finetune.train import TrainedRun, data_summary, zero_shot_note
from xlt.interrupt import GracefulInterrupt, TrainingInterrupted
from xlt.io import atomic_path, write_json
from xlt.model.card import ModelCard
from xlt.model.loader import _offline_hint, load_tokenizer, model_path
from xlt.run_folder import RunInfo
from xlt.training_args import from_settings, mean_loss_trainer

log = logging.getLogger("xlt")


def load_seq2seq(spec):
    """``AutoModelForSeq2SeqLM`` and its tokenizer for a path or hub id (offline: the project's hub message)."""
    from transformers import AutoModelForSeq2SeqLM

    tokenizer = load_tokenizer(spec)
    path = model_path(spec)
    try:
        model = AutoModelForSeq2SeqLM.from_pretrained(path, **spec.load_kwargs())
    except (OSError, ValueError) as err:
        raise _offline_hint(path, err) from err
    return model, tokenizer


def train_seq2seq(task, config, run, data, *, resume: bool = False):
    """Fine-tune ``config.model`` on ``data['train']`` (text -> label), evaluate every test language."""
    from transformers import EarlyStoppingCallback, Seq2SeqTrainer, Seq2SeqTrainingArguments

    model, tokenizer = load_seq2seq(config.model)
    task.prepare_tokenizer(tokenizer, config.model.name)
    if task.forced_bos_token_id is not None:
        model.generation_config.forced_bos_token_id = task.forced_bos_token_id
    directions = sorted(set(data["train"]["lang"]))
    train_ds = task.encode(data["train"], tokenizer, config.model, {})
    dev_ds = task.encode(data["dev"], tokenizer, config.model, {})
    t = config.training
    has_dev = len(dev_ds) > 0
    args = from_settings(
        t, run.checkpoints, args_class=Seq2SeqTrainingArguments,
        eval_strategy="epoch" if has_dev else "no", save_strategy="epoch", save_total_limit=2,
        load_best_model_at_end=has_dev, metric_for_best_model="loss", greater_is_better=False,
        logging_strategy="steps", logging_steps=max(1, int(len(train_ds) / t.batch_size / 4)),
        predict_with_generate=False,
    )
    interrupt = GracefulInterrupt()
    callbacks = [interrupt]
    if has_dev and t.early_stopping_patience:
        callbacks.append(EarlyStoppingCallback(early_stopping_patience=t.early_stopping_patience))
    trainer = mean_loss_trainer(Seq2SeqTrainer(
        model=model, args=args, train_dataset=train_ds, eval_dataset=dev_ds if has_dev else None,
        data_collator=task.collator(tokenizer, model), processing_class=tokenizer, callbacks=callbacks))
    started = time.perf_counter()
    trainer.train(resume_from_checkpoint=True if resume and run.has_checkpoint() else None)
    if interrupt.requested:
        raise TrainingInterrupted(f"training interrupted; a checkpoint is in {run.checkpoints}. "
                                  f"Resume with: xlt train {run.config} --resume")
    train_seconds = time.perf_counter() - started
    curve = {"train": [(h["step"], h["loss"]) for h in trainer.state.log_history if "loss" in h],
             "dev": [(h["step"], h["eval_loss"]) for h in trainer.state.log_history if "eval_loss" in h]}
    write_json(run.root / "loss_curve.json", curve)

    model = trainer.model.eval()
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    run_info = RunInfo(
        name=config.name, task=task.name, model=config.model.name, prefix=config.model.resolved_prefix(),
        strategy={"name": "full"}, trainable_params=trainable, total_params=sum(p.numel() for p in model.parameters()),
        zero_shot=not t.select_on_target, zero_shot_note=zero_shot_note(config),
        train_seconds=round(train_seconds, 1), resumed=resume,
        train_examples_per_second=round((trainer.state.epoch or 0) * len(train_ds) / max(train_seconds, 1e-9), 2),
        best_dev_score=trainer.state.best_metric, epochs_run=round(trainer.state.epoch or 0, 2),
        first_train_loss=curve["train"][0][1] if curve["train"] else None,
        last_train_loss=curve["train"][-1][1] if curve["train"] else None,
        source_language=task.source_lang,
        decoding=f"beam search, {task.num_beams} beams, at most {task.max_new_tokens} new tokens"
                 + (f", no repeated {task.no_repeat_ngram_size}-grams" if task.no_repeat_ngram_size else ""),
        data=data_summary(data),
    )
    _save(model, tokenizer, run, config, task, directions)
    names = task.baselines if config.evaluation.baselines is None else config.evaluation.baselines
    baselines = fit_baselines(task, list(names), data["train"], None, t.seed)
    results = evaluate_languages(model, tokenizer, config.model, task, data["test"], directions, run,
                                 baselines=baselines, run_info=run_info, settings=config.evaluation, seed=t.seed)
    shutil.rmtree(run.checkpoints, ignore_errors=True)
    return TrainedRun(run, results, run_info)


def _save(model, tokenizer, run, config, task, directions: list[str]) -> None:

    with atomic_path(run.model) as tmp:
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        ModelCard(base_model=config.model.name, prefix=config.model.resolved_prefix(),
                  max_length=config.model.resolved_max_length(), task=task.name, task_options=config.task_options,
                  source_languages=directions).write(tmp)
