"""``xlt``: carry a task learned in one language to many others.

Typical session::

    xlt models provision                       # convert the built-in model once
    xlt demo                                   # English -> 13 languages, zero-shot, with baselines
    xlt train examples/sib200.yaml --set training.epochs=2
    xlt evaluate runs/sib200 --data 'sib200:$XLT_DATA/sib200/{lang}/test.tsv' -l deu_Latn -l fra_Latn
"""

from __future__ import annotations

from pathlib import Path

import typer

from xlt.cli import export, models, predict, push, risk, serve, transfer, variants
from xlt.cli import pretrain as pretrain_cli
from xlt.cli import tune as tune_cli
from xlt.cli.common import SET_HELP, console, friendly_errors, setup_logging
from xlt.device import DEVICE_HELP, DTYPE_HELP
from xlt.errors import ConfigError
from xlt.extras import require

app = typer.Typer(
    help="xlt: train a task in one language, use it in many (cross-lingual transfer).",
    no_args_is_help=True, rich_markup_mode="rich", pretty_exceptions_enable=False,
)



def _report_paths(root: Path) -> None:
    console.print(f"report: {root / 'report.html'}  (also report.md, metrics.json, predictions/)")


@app.command()
@friendly_errors
def train(
    config: Path = typer.Argument(..., help="YAML config (see examples/)", exists=True, dir_okay=False),
    set_: list[str] = typer.Option(None, "--set", help=SET_HELP),
    resume: bool = typer.Option(False, "--resume", help="continue from the run's last checkpoint (the config must "
                                "be the run's own; only epochs, max_steps, seeds and evaluation settings may change)"),
    overwrite: bool = typer.Option(False, "--overwrite", help="delete an existing run folder of this name"),
    seeds: int = typer.Option(None, "--seeds", help="train one model per seed (training.seed, +1, ...) and report "
                              "the mean and spread over seeds (sets training.seeds)"),
    verbose: bool = typer.Option(False, "--verbose", "-v"),
) -> None:
    """Fine-tune on the source language(s), then evaluate every test language with the baselines.

    Ctrl-C saves a checkpoint; run the same command with --resume to continue.
    """
    from xlt.finetune.config import TrainConfig
    from xlt.finetune.train import train as run_training

    setup_logging(verbose)
    overrides = [*(set_ or []), *([f"training.seeds={seeds}"] if seeds is not None else [])]
    cfg = TrainConfig.from_yaml(config, overrides)
    run = run_training(cfg, resume=resume, overwrite=overwrite)
    if cfg.training.seeds > 1:
        console.print(f"report: {run.root / 'report.html'}  (also report.md, seeds.json; a run folder per seed: "
                      f"{run.root / 'seed-*'})")
    else:
        _report_paths(run.root)


@app.command()
@friendly_errors
def evaluate(
    run_or_model: str = typer.Argument(None, help="a run folder (runs/NAME) or a saved model folder; for "
                                        "--task retrieval any model (builtin:NAME, a folder); none for "
                                        "--task translation"),
    data: str = typer.Option(None, "--data", "-d", help="data spec: builtin:emoji-groups, "
                             "'sib200:$XLT_DATA/sib200/{lang}/test.tsv', xnli, a .jsonl/.csv/.tsv or a YAML spec; "
                             "for --task retrieval: tatoeba, ntrex, pud, 'lines:SRC_{lang}|TGT' with "
                             "--target-lang, or a YAML spec"),
    languages: list[str] = typer.Option(None, "--languages", "-l", help="languages to evaluate (repeatable)"),
    baselines: bool = typer.Option(False, "--baselines", help="also fit and score the baselines "
                                   "(run folders only)"),
    output: Path = typer.Option(None, "--output", "-o", help="where to write metrics and report"),
    hypotheses: list[Path] = typer.Option(None, "--hypotheses", help="translation task: an external system's "
                                          "output, one segment per line (repeatable)", exists=True),
    references: Path = typer.Option(None, "--references", help="translation task: the reference file", exists=True),
    target_lang: str = typer.Option(None, "--target-lang", help="translation task: target language (tokenizer); "
                                    "retrieval: the language of TGT in 'lines:SRC_{lang}|TGT' or 'pud:SRC|TGT'"),
    source: Path = typer.Option(None, "--source", help="translation task: source file (copy-source baseline)"),
    task: str = typer.Option(None, "--task", help="'retrieval': bitext retrieval (cosine and margin, both "
                             "directions) of any model's sentence vectors; 'translation': score --hypotheses "
                             "files; default: the saved model's own task"),
    prefix: str = typer.Option(None, "--prefix", help="retrieval: input prefix (default the model's own, "
                               "e5: 'query: '; --prefix '' for none)"),
    limit: int = typer.Option(None, "--limit", help="retrieval: first N pairs per language"),
    speed: bool = typer.Option(False, "--speed", help="also time it: texts/s, latency, size (speed.json)"),
    device: str = typer.Option("auto", "--device", help=DEVICE_HELP),
    dtype: str = typer.Option("auto", "--dtype", help=DTYPE_HELP),
    label_map: list[str] = typer.Option(None, "--label-map", help="GOLD=MODEL_LABEL: the data's label GOLD is the "
                                        "model's MODEL_LABEL (a stock model with other label names; repeatable)"),
    engine: str = typer.Option("local", "--engine", help="'local' (this process) or 'ray' (each language on a "
                               "Ray worker; scores and report here; needs xlt[distributed])"),
    address: str = typer.Option(None, "--address", help="--engine ray: the cluster to join (default: "
                                "$RAY_ADDRESS, else one started on this machine)"),
    workers: int = typer.Option(2, "--workers", min=1, help="--engine ray: languages predicted at once"),
    gpus_per_worker: float = typer.Option(0, "--gpus-per-worker", min=0, help="--engine ray: GPUs per worker"),
    verbose: bool = typer.Option(False, "--verbose", "-v"),
) -> None:
    """Score a trained model on every language of --data in one pass: metrics JSON and report.

    Any model folder or hub id of a sequence-classification, token-classification or question-answering
    class works too, also one xlt did not train: xlt evaluate ./my-classifier --data ... --label-map pos=POSITIVE

    Or bitext retrieval of any model: xlt evaluate builtin:multilingual-e5-small --task retrieval --data tatoeba
    Or translation files: xlt evaluate --task translation --hypotheses OUT --references REF --target-lang es
    """
    from xlt.cli.evaluate_dispatch import evaluate_command

    setup_logging(verbose)
    evaluate_command(run_or_model, data, languages=languages or None, baselines=baselines, output=output,
                     task=task, prefix=prefix, limit=limit, speed=speed, hypotheses=hypotheses,
                     references=references, target_lang=target_lang, source=source, label_map=label_map,
                     device=device, dtype=dtype, ray=_ray_options(engine, address, workers, gpus_per_worker))


def _ray_options(engine: str, address: str | None, workers: int, gpus_per_worker: float) -> dict | None:
    """``--engine ray``'s settings, or None for the local engine; a missing Ray says what to install."""
    if engine not in ("local", "ray"):
        raise ConfigError(f"--engine must be 'local' or 'ray', not {engine!r}")
    if engine == "local":
        return None
    require("distributed", "ray")
    return {"address": address, "workers": workers, "gpus_per_worker": gpus_per_worker}


@app.command("translate")
@friendly_errors
def translate_file(
    input_file: Path = typer.Argument(..., help="text file, one segment per line", exists=True, dir_okay=False),
    translator: str = typer.Option(..., "--translator", "-t", help="apertium:<pair> or hf:<model folder or hub id>"),
    output: Path = typer.Option(..., "--output", "-o", help="where the translations go (one per line)"),
    device: str = typer.Option("auto", "--device", help=f"where an hf: model translates: {DEVICE_HELP}; "
                               "apertium ignores it"),
    engine: str = typer.Option("local", "--engine", help="'local' (this process) or 'ray' (an actor pool on a Ray "
                               "cluster, one model copy per actor; pip install 'xlt[distributed]')"),
    address: str = typer.Option(None, "--address", help="--engine ray: the cluster to join (default: "
                                "$RAY_ADDRESS, else a cluster on this machine)"),
    workers: int = typer.Option(2, "--workers", min=1, help="--engine ray: actors"),
    gpus_per_worker: float = typer.Option(0, "--gpus-per-worker", min=0, help="--engine ray: GPUs per actor"),
    verbose: bool = typer.Option(False, "--verbose", "-v"),
) -> None:
    """Translate a file line by line (cached in $XLT_HOME/translations.sqlite: a rerun translates nothing twice)."""
    from xlt.translate.files import translate_file as run

    ray = _ray_options(engine, address, workers, gpus_per_worker)
    setup_logging(verbose)
    run(input_file, translator, output, device=device, ray=ray)


@app.command()
@friendly_errors
def demo(
    output_dir: Path = typer.Option(Path("runs"), help="where the run folder goes"),
    set_: list[str] = typer.Option(None, "--set", help=SET_HELP),
    verbose: bool = typer.Option(False, "--verbose", "-v"),
) -> None:
    """Train on English built-in emoji-groups, evaluate zero-shot on 13 languages with both baselines."""
    from xlt.cli.demo import demo_config
    from xlt.finetune.train import train as run_training

    setup_logging(verbose)
    run = run_training(demo_config(str(output_dir), set_ or []), overwrite=True)
    _report_paths(run.root)


# in the order of the pipeline: corpus -> model -> pretraining -> fine-tuning -> evaluation -> deployment
app.command(epilog=risk.EPILOG)(risk.risk)
app.command(name="pretrain")(pretrain_cli.pretrain)
app.command(name="tune")(tune_cli.tune)
app.command()(export.export)
app.command()(variants.variants)
app.command()(serve.serve)
app.command(epilog=predict.EPILOG)(predict.predict)
app.command()(push.push)
transfer.register(app)  # few-shot, continual, merge
app.add_typer(models.app, name="models")

if __name__ == "__main__":
    app()
