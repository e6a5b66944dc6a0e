"""``xlt evaluate``'s dispatch: a saved task model (:func:`~xlt.finetune.evaluate_saved.evaluate_saved`),
``--task retrieval`` on any model (:func:`~xlt.evaluate.retrieval_run.run_retrieval`), or ``--task translation``
on an external system's output files (:func:`~xlt.evaluate.score_translations.score_translation_files`)."""

from __future__ import annotations

from pathlib import Path

from xlt.cli.common import console
from xlt.errors import ConfigError

TASKS = ("retrieval", "translation")


def evaluate_command(run_or_model: str | None, data: str | None, *, languages: list[str] | None, baselines: bool,
                     output: Path | None, task: str | None, prefix: str | None, limit: int | None,
                     speed: bool = False, hypotheses: list[Path] | None = None, references: Path | None = None,
                     target_lang: str | None = None, source: Path | None = None,
                     label_map: list[str] | None = None, device: str = "auto",
                     dtype: str = "auto", ray: dict | None = None) -> None:
    """Run the evaluation ``xlt evaluate`` asked for; options of the other kind are a :class:`ConfigError`."""
    if task is not None and task not in TASKS:
        raise ConfigError(f"--task {task!r}: xlt evaluate takes --task retrieval, --task translation, or no --task "
                          "for the saved model's own task")
    if task == "translation" or hypotheses:
        from xlt.evaluate.score_translations import score_translation_files

        if not (hypotheses and references and target_lang):
            raise ConfigError("--task translation needs --hypotheses, --references and --target-lang")
        score_translation_files(hypotheses, references, target_lang=target_lang, source=source, output=output)
        return
    if run_or_model is None or data is None:
        raise ConfigError("xlt evaluate needs a run or model folder and --data (or --task translation --hypotheses)")
    if ray is not None and task is not None:
        raise ConfigError("--engine ray evaluates a saved task model; --task retrieval and translation run here")
    if task == "retrieval":
        if baselines:
            raise ConfigError("--baselines has no meaning for --task retrieval")
        from xlt.evaluate.retrieval_run import run_retrieval

        metrics = run_retrieval(run_or_model, data, languages=languages, prefix=prefix, limit=limit, output=output,
                                tgt_lang=target_lang, device=device, dtype=dtype)
        console.print(f"report: {Path(metrics['output']) / 'report.html'}  (also report.md, metrics.json)")
        return
    if prefix is not None or limit is not None:
        raise ConfigError("--prefix and --limit are options of --task retrieval; a saved model keeps its prefix")
    if target_lang is not None:
        raise ConfigError("--target-lang is an option of --task retrieval and --task translation")
    if run_or_model.startswith("builtin:"):
        raise ConfigError(f"{run_or_model} is an encoder without a task head: --task retrieval scores its sentence "
                          "vectors; fine-tune it first with xlt train")
    mapping = {}
    for item in label_map or []:
        gold, sep, model_label = item.partition("=")
        if not sep or not gold or not model_label:
            raise ConfigError(f"--label-map {item!r}: expected GOLD=MODEL_LABEL, e.g. --label-map positive=POS")
        mapping[gold] = model_label
    from xlt.finetune.evaluate_saved import evaluate_saved

    evaluate_saved(run_or_model, data, languages=languages, baselines=baselines, output=output, speed=speed,
                   label_map=mapping or None, device=device, dtype=dtype, ray=ray)
