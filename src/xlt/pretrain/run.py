"""``pretrain(config)``: data -> MLM model (+teacher) -> objectives -> Trainer -> model folder + report.

>>> from xlt.pretrain import PretrainConfig, pretrain
>>> pretrain(PretrainConfig.from_yaml("examples/pretrain_align.yaml")).model_dir  # minutes  # doctest: +SKIP
PosixPath('runs/pretrain-align/model')
"""

from __future__ import annotations

import copy
import logging
import shutil
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from transformers import TrainingArguments, set_seed
from transformers.trainer_utils import get_last_checkpoint

from xlt.distributed import training_device
from xlt.errors import ConfigError
from xlt.interrupt import GracefulInterrupt, TrainingInterrupted
from xlt.io import write_text
from xlt.model.loader import load_encoder, load_tokenizer
from xlt.model.spec import ModelSpec
from xlt.pretrain.config import PretrainConfig
from xlt.pretrain.head_warmup import warm_up_head
from xlt.pretrain.heldout import heldout_mlm_loss
from xlt.pretrain.language_adapters import train_language_adapters
from xlt.pretrain.mlm_model import load_masked_lm
from xlt.pretrain.objectives import OBJECTIVES, ObjectiveContext
from xlt.pretrain.report import write_pretrain_report
from xlt.pretrain.save import save_pretrained_model
from xlt.pretrain.sources import load_mono, load_pairs, split_heldout
from xlt.pretrain.stream import GroupSampler, MixedCollator, MixedStream
from xlt.pretrain.trainer import PretrainStateCallback, PretrainTrainer, load_state
from xlt.training_args import from_settings, mean_loss_trainer, on_device

log = logging.getLogger("xlt")


@dataclass
class PretrainedRun:
    root: Path
    report: dict

    @property
    def model_dir(self) -> Path:
        return self.root / "model"


def load_objective_data(config: PretrainConfig) -> dict[str, dict]:
    """Objective -> its groups (language -> texts, or language pair -> pairs), as the config names them."""
    return {name: (load_mono if OBJECTIVES[name].kind == "mono" else load_pairs)(spec.data)
            for name, spec in config.objectives.items()}


def pretrain(config: PretrainConfig, *, resume: bool = False, overwrite: bool = False,
             data: dict[str, dict] | None = None) -> PretrainedRun:
    """Continue pretraining ``config.model`` on the weighted objectives; ``data`` replaces the configured sources
    (objective -> ``{language: [texts]}`` or ``{"xx-en": [(src, tgt), ...]}``), e.g. for in-memory text."""
    root = config.run_dir
    _prepare_folder(root, resume=resume, overwrite=overwrite)
    if resume:
        config.check_resumes(root / "config.yaml")
    set_seed(config.training.seed)
    write_text(root / "config.yaml", config.to_yaml())
    t = config.training

    device = training_device(t.device)  # before any data is read: a device that is not there fails first
    data = dict(data) if data is not None else load_objective_data(config)
    if config.language_adapters is not None:  # MAD-X: adapters per language, the encoder is not changed

        return PretrainedRun(root, train_language_adapters(config, data["mlm"], root, device=device))
    heldout: dict[str, list[str]] = {}
    if "mlm" in data and t.heldout > 0:
        data["mlm"], heldout = split_heldout(data["mlm"], t.heldout)

    tokenizer = load_tokenizer(config.model)
    model, head = load_masked_lm(config.model)
    model.to(device)  # now, not when the Trainer starts: the held-out loss and the head warm-up run before it
    if t.freeze_embeddings:  # the decoder is tied to them: with MLM, only the head's transform and bias train
        model.get_input_embeddings().weight.requires_grad_(False)
    ctx = ObjectiveContext(tokenizer=tokenizer, spec=config.model, max_length=t.max_length,
                           mlm_probability=t.mlm_probability, seed=t.seed)
    if "distill" in config.objectives:
        _attach_teacher(ctx, config, model, device)
    objectives = {name: OBJECTIVES[name](ctx, spec.options) for name, spec in config.objectives.items()}
    samplers = {name: GroupSampler(data[name], alpha=config.sampling.alpha, seed=t.seed + i)
                for i, name in enumerate(config.objectives)}

    heldout_losses: dict[str, dict[str, float]] = {}
    measure = (lambda: heldout_mlm_loss(model, tokenizer, config.model, heldout, max_length=t.max_length,
                                        mlm_probability=t.mlm_probability, batch_size=t.batch_size * 2)) \
        if heldout else None
    warmup_losses: list[float] = []
    masked_name = next((n for n in ("mlm", "tlm") if n in objectives), None)
    if not resume and measure:
        heldout_losses["start"] = measure()
    if not resume and head.new_head and t.head_warmup_steps > 0 and masked_name:
        log.info("fitting the new MLM head alone for %d steps (encoder frozen)", t.head_warmup_steps)
        warmup_losses = warm_up_head(model, objectives[masked_name], GroupSampler(
            data[masked_name], alpha=config.sampling.alpha, seed=t.seed + 100), steps=t.head_warmup_steps,
            batch_size=t.batch_size)
        if measure:
            heldout_losses["after_head_warmup"] = measure()

    interrupt = GracefulInterrupt()
    trainer = mean_loss_trainer(PretrainTrainer(
        model=model, args=_training_args(config, root / "checkpoints", device), train_dataset=MixedStream(samplers),
        data_collator=MixedCollator(objectives), callbacks=[interrupt],
        objectives=objectives, weights={n: s.weight for n, s in config.objectives.items()}))
    trainer.add_callback(PretrainStateCallback(trainer))
    checkpoint = get_last_checkpoint(str(root / "checkpoints")) if resume else None
    if checkpoint:
        load_state(trainer, checkpoint)
    trainer.started = time.perf_counter()
    trainer.train(resume_from_checkpoint=checkpoint)
    if interrupt.requested:
        raise TrainingInterrupted(f"pretraining interrupted; a checkpoint is in {root / 'checkpoints'}. "
                                  f"Resume with: xlt pretrain {root / 'config.yaml'} --resume")
    seconds = trainer.train_seconds()
    if measure:
        heldout_losses["end"] = measure()

    report = _report(config, head, data, samplers, trainer, heldout, heldout_losses, warmup_losses, seconds, resume)
    if not masked_name:
        report["head"]["note"] += "; it was NOT trained in this run (no mlm/tlm objective)"
    target = save_pretrained_model(model, tokenizer, root / "model", spec=config.model, extra={
        "pretrained": {"run": config.name, "objectives": {n: s.weight for n, s in config.objectives.items()},
                       "steps": trainer.state.global_step}, "mlm_head": report["head"]["note"]})
    write_pretrain_report(target, report)
    write_pretrain_report(root, report)
    shutil.rmtree(root / "checkpoints", ignore_errors=True)
    return PretrainedRun(root, report)


def _attach_teacher(ctx: ObjectiveContext, config: PretrainConfig, model, device) -> None:
    """A frozen teacher on the student's ``device``: the ``teacher`` folder, or a copy of the starting encoder."""
    if config.teacher:
        spec = ModelSpec(name=config.teacher, max_length=config.training.max_length)
        ctx.teacher, ctx.teacher_tokenizer, ctx.teacher_spec = load_encoder(spec), load_tokenizer(spec), spec
    else:
        ctx.teacher = copy.deepcopy(model.base_model)
    ctx.teacher.to(device).eval().requires_grad_(False)  # the Trainer moves the student only


def _training_args(config: PretrainConfig, output_dir: Path, device) -> TrainingArguments:
    t = config.training
    return from_settings(
        t, output_dir, **on_device(device), save_strategy="steps", save_steps=t.save_steps, save_total_limit=2,
        logging_strategy="steps", logging_steps=t.logging_steps, remove_unused_columns=False,
        disable_tqdm=False,  # a progress bar, even when quiet
    )


def _report(config, head, data, samplers, trainer, heldout, heldout_losses, warmup_losses, seconds, resume) -> dict:
    objectives = {}
    for name, spec in config.objectives.items():
        history = [h[f"loss_{name}"] for h in trainer.loss_history if f"loss_{name}" in h]
        objectives[name] = {
            "weight": spec.weight, "options": spec.options,
            "groups": {g: (len(v), round(samplers[name].probabilities[g], 4)) for g, v in data[name].items()},
            "first_loss": history[0] if history else None, "last_loss": history[-1] if history else None,
        }
    tokens = sum(trainer.token_counts.values())
    report = {
        "name": config.name, "model": config.model.name, "prefix": config.model.resolved_prefix(),
        "head": head.to_dict(), "steps": trainer.state.global_step, "batch_size": config.training.batch_size,
        "max_length": config.training.max_length, "alpha": config.sampling.alpha, "objectives": objectives,
        "loss_history": trainer.loss_history, "token_counts": dict(trainer.token_counts), "tokens": tokens,
        "train_seconds": round(seconds, 1), "tokens_per_second": round(tokens / max(seconds, 1e-9), 1),
        "resumed": resume, "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    if heldout_losses:
        columns = list(heldout_losses)
        report["heldout_mlm_loss"] = {
            "sentences": {lang: len(v) for lang, v in heldout.items()}, "columns": columns,
            "languages": sorted(heldout) + ["all"], **heldout_losses,
            "head_warmup_losses": warmup_losses,
            "note": ("The last sentences of each MLM language were kept out of training. 'start' uses the "
                     + ("NEW, untrained head (its loss measures the head, not the encoder); "
                        "'after_head_warmup' is the fair 'before'." if head.new_head else "checkpoint's head.")),
        }
    return report


def _prepare_folder(root: Path, *, resume: bool, overwrite: bool) -> None:
    if resume:
        if not (root / "checkpoints").is_dir() or not get_last_checkpoint(str(root / "checkpoints")):
            raise ConfigError(f"--resume: no checkpoint in {root / 'checkpoints'} to resume from")
        return
    if root.exists() and any(root.iterdir()):
        if not overwrite:
            raise ConfigError(f"run folder {root} exists; pass --resume to continue it, --overwrite to start "
                              "again, or choose another name (--set name=...)")
        shutil.rmtree(root)
    root.mkdir(parents=True, exist_ok=True)
