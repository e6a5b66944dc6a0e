"""``evaluate_saved``: score a saved run or model folder on data in any languages, in one pass.

>>> evaluate_saved("runs/demo", "builtin:emoji-groups", languages=["en", "de"])  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

from xlt.corpus.spec import DataSpec
from xlt.errors import ConfigError, DataError
from xlt.evaluate.run_evaluation import evaluate_languages, fit_baselines
from xlt.evaluate.speed import speed_report
from xlt.finetune.config import TrainConfig
from xlt.finetune.load import load_saved
from xlt.finetune.ray_evaluate import RayEvaluation
from xlt.finetune.tasks import get_task
from xlt.io import write_json
from xlt.model.loader import load_encoder, load_tokenizer
from xlt.run_folder import RunFolder, RunInfo


def evaluate_saved(run_or_model: str | Path, data: str | DataSpec | None, *, languages: list[str] | None = None,
                   baselines: bool = False, output: str | Path | None = None, seed: int = 0,
                   test=None, speed: bool = False, label_map: dict[str, str] | None = None,
                   device: str = "auto", dtype: str = "auto", ray: RayEvaluation | dict | None = None) -> dict:
    """Evaluate ``run_or_model`` on ``data``; write metrics, predictions and report to ``output``.

    ``output`` defaults to ``<run>/eval-<data name>`` for a run and ``<model>-eval`` for a model.
    Baselines need the run's own training data, so they are only available for run folders.
    ``test`` (a loaded Dataset) replaces ``data``; ``speed`` adds texts/s, latency and size (``speed.json``),
    e.g. to compare exported variants (``xlt export``). ``run_or_model`` may be any transformers folder or hub
    id of a task's model class that xlt did not train; ``label_map`` (gold label -> the model's label) renames
    the data's labels where the two name them differently. ``device``: where the model runs (``auto``: a GPU where
    there is one); ``dtype``: its precision (``auto``: bfloat16 on a CUDA GPU that has it, else float32).
    ``ray``: predict the languages on a Ray cluster (:class:`~xlt.finetune.ray_evaluate.RayEvaluation`);
    scores, intervals and the report are computed here either way.
    """
    run = RunFolder.find(run_or_model)
    model_dir = run.model if run else Path(run_or_model)
    saved = load_saved(model_dir, device, dtype)
    task = get_task(saved.task, saved.task_options)
    task.use_labels(list(saved.model.config.id2label.values()))
    spec = DataSpec.parse(data, **({"languages": languages} if languages else {})) if test is None else None
    test = spec.load() if test is None else test
    if label_map:
        test = task.rename_labels(test, label_map)
    try:
        task.check_labels(test, task.saved_labels(saved.model), "test", source=spec.path if spec else None)
    except DataError as err:
        raise DataError(f"{err.message}; the model's labels are {task.saved_labels(saved.model)}: map the data's "
                        "labels onto them with --label-map GOLD=MODEL_LABEL", path=err.path, field=err.field) from None
    target = Path(output) if output else (run.root / "eval" if run else model_dir.with_name(model_dir.name + "-eval"))

    fitted: dict = {}
    if baselines:
        if run is None:
            raise ConfigError("--baselines needs a run folder (it holds the source training data)")

        config = TrainConfig.from_yaml(run.config)
        train = config.data.load()["train"]
        base_tokenizer = load_tokenizer(config.model)
        features = task.frozen_features(load_encoder(config.model), base_tokenizer, config.model, 64)
        for ds in (train, test):
            features.add_dataset(ds)
        features.seal()
        names = task.baselines if config.evaluation.baselines is None else config.evaluation.baselines
        fitted = fit_baselines(task, list(names), train, features, seed)

    run_info = RunInfo(name=f"{model_dir} on {(spec.path or spec.format) if spec else 'the given rows'}",
                       task=task.name, model=str(model_dir), **_recorded(saved.spec),
                       source_languages=saved.source_languages, zero_shot=True,
                       zero_shot_note="Evaluation of a saved model.")
    elsewhere = None
    if ray is not None:
        from xlt.finetune.ray_evaluate import ray_language_predictor

        elsewhere = ray_language_predictor(model_dir, RayEvaluation.model_validate(ray), device=device, dtype=dtype)
    results = evaluate_languages(saved.model, saved.tokenizer, saved.spec, task, test, saved.source_languages,
                                 RunFolder(target), baselines=fitted, run_info=run_info, seed=seed,
                                 before_language=saved.activate_language, predict_languages=elsewhere)
    if speed:

        if not task.deployable:
            raise ConfigError(f"speed measurement covers deployable tasks; {model_dir} is a {task.name!r} model")
        results["speed"] = speed_report(saved, model_dir, task.model_inputs(test, saved.spec)[0], test["lang"])
        write_json(target / "speed.json", results["speed"])
    return results


def _recorded(spec) -> dict[str, str]:
    """The saved model's prefix and pooling with their sources (its spec is written from its xlt card)."""
    found = spec.recorded()
    return {k: "xlt card of the saved model" if k.endswith("_source") and v == "spec" else v
            for k, v in found.items()}
