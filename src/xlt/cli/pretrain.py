"""``xlt pretrain CONFIG``: continued multilingual pretraining -> a model folder for ``xlt train``."""

from __future__ import annotations

from pathlib import Path

import typer

from xlt.cli.common import console, friendly_errors, setup_logging
from xlt.device import DEVICE_HELP


@friendly_errors
def pretrain(
    config: Path = typer.Argument(..., help="YAML config (see examples/pretrain_*.yaml)", exists=True,
                                  dir_okay=False),
    set_: list[str] = typer.Option(None, "--set", help="override one config field, e.g. --set "
                                   "training.max_steps=50 --set objectives.mlm.weight=0.5 (repeatable)"),
    resume: bool = typer.Option(False, "--resume", help="continue from the run's last checkpoint (the config must "
                                "be the run's own; max_steps, device, save and logging steps may change)"),
    overwrite: bool = typer.Option(False, "--overwrite", help="delete an existing run folder of this name"),
    device: str = typer.Option(None, "--device", help=f"where the run trains: {DEVICE_HELP}; the same as --set "
                               "training.device=...; default: the config's (auto). cuda:N with N > 0: run with "
                               "CUDA_VISIBLE_DEVICES=N and cuda"),
    verbose: bool = typer.Option(False, "--verbose", "-v"),
) -> None:
    """Continue pretraining a model: MLM, TLM, contrastive alignment, distillation (weighted, in one run).

    The result, runs/NAME/model, is a model folder: use it as model.name in xlt train.
    With language_adapters: in the config, the encoder stays as it is and one MLM-trained adapter per
    language is written to runs/NAME/language_adapters/ (for the madx strategy).
    Ctrl-C saves a checkpoint; run the same command with --resume to continue.
    """
    from xlt.pretrain import PretrainConfig
    from xlt.pretrain import pretrain as run_pretraining

    setup_logging(verbose)
    overrides = [*(set_ or []), *([f"training.device={device}"] if device else [])]
    run = run_pretraining(PretrainConfig.from_yaml(config, overrides), resume=resume, overwrite=overwrite)
    if "madx_strategy" in run.report:
        console.print(f"language adapters: {run.root / 'language_adapters'}  (report with the madx strategy "
                      f"block: {run.root / 'pretrain_report.md'})")
        return
    console.print(f"model: {run.model_dir}  (use as model.name in xlt train; report: "
                  f"{run.model_dir / 'pretrain_report.md'})")
