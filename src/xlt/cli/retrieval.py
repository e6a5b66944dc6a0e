"""``xlt evaluate``'s dispatch: a saved task model (:func:`~xlt.evaluate.evaluate_saved.evaluate_saved`) or
``--task retrieval`` on any model (:func:`~xlt.evaluate.retrieval_run.run_retrieval`)."""

from __future__ import annotations

from pathlib import Path

from xlt.cli.common import console
from xlt.errors import ConfigError

TASKS = ("retrieval",)


def evaluate_command(run_or_model: str, data: str, *, languages: list[str] | None, baselines: bool,
                     output: Path | None, task: str | None, prefix: str | None, limit: int | None) -> None:
    """Run the evaluation ``xlt evaluate`` asked for; options of the other kind are a :class:`ConfigError`."""
    if task is not None and task not in TASKS:
        raise ConfigError(f"--task {task!r}: xlt evaluate takes --task retrieval, or no --task for the saved "
                          "model's own task")
    if task == "retrieval":
        if baselines:
            raise ConfigError("--baselines has no meaning for --task retrieval")
        from xlt.evaluate.retrieval_run import run_retrieval

        metrics = run_retrieval(run_or_model, data, languages=languages, prefix=prefix, limit=limit, output=output)
        console.print(f"report: {Path(metrics['output']) / 'report.html'}  (also report.md, metrics.json)")
        return
    if prefix is not None or limit is not None:
        raise ConfigError("--prefix and --limit are options of --task retrieval; a saved model keeps its prefix")
    if not Path(run_or_model).exists():
        raise ConfigError(f"{run_or_model}: no such run or model folder (a built-in model name needs "
                          "--task retrieval; fine-tune it first with xlt train)")
    from xlt.evaluate.evaluate_saved import evaluate_saved

    evaluate_saved(run_or_model, data, languages=languages, baselines=baselines, output=output)
