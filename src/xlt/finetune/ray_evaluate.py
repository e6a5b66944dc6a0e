"""``xlt evaluate --engine ray``: each test language predicted by a Ray task, on as many workers as the cluster
gives; scoring, intervals and the report stay in the calling process, exactly as without Ray.

A worker process loads the model once (a per-process cache) and keeps it for every language Ray sends it, so a
cluster of N workers evaluates N languages at a time; a worker that dies has its language retried elsewhere.
"""

from __future__ import annotations

import functools
from pathlib import Path

from pydantic import BaseModel, Field

from xlt.ray_cluster import ray_cluster


class RayEvaluation(BaseModel):
    """Where and how wide the per-language predictions run."""

    address: str | None = None  # a running cluster (default: $RAY_ADDRESS, else one started on this machine)
    workers: int = Field(2, ge=1)  # languages predicted at once
    threads_per_worker: int = Field(1, ge=1)
    gpus_per_worker: float = Field(0, ge=0)


@functools.cache  # one model per worker process, reused for every language it is sent
def _loaded(model_dir: str, device: str, dtype: str):
    from xlt.finetune.load import load_saved
    from xlt.finetune.tasks import get_task

    saved = load_saved(model_dir, device, dtype)
    task = get_task(saved.task, saved.task_options)
    task.use_labels(list(saved.model.config.id2label.values()))
    return saved, task


def _predict_language(model_dir: str, device: str, dtype: str, threads: int, lang: str, ds) -> list:
    import torch

    torch.set_num_threads(threads)
    saved, task = _loaded(model_dir, device, dtype)
    saved.activate_language(lang)
    return task.predict(saved.model, saved.tokenizer, saved.spec, ds)


def ray_language_predictor(model_dir: str | Path, settings: RayEvaluation, *, device: str = "auto",
                           dtype: str = "auto"):
    """A ``predict_languages({lang: Dataset}) -> {lang: predictions}`` that runs each language as a Ray task."""

    def predict_languages(by_lang: dict) -> dict[str, list]:
        import ray

        local_cpus = settings.workers * settings.threads_per_worker + 1  # one CPU left for the driver
        with ray_cluster(settings.address, local_cpus=local_cpus):
            remote = ray.remote(num_cpus=settings.threads_per_worker, num_gpus=settings.gpus_per_worker,
                                max_retries=3)(_predict_language)
            refs = {lang: remote.remote(str(model_dir), device, dtype, settings.threads_per_worker, lang, ds)
                    for lang, ds in by_lang.items()}
            return {lang: ray.get(ref) for lang, ref in refs.items()}

    return predict_languages
