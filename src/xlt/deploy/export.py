"""``xlt export``: turn a trained run into a deployable variant folder (ONNX, TorchScript, int8, fewer layers).

Classification, tagging and QA models export to ``torch`` and ``onnx`` (fp32 or int8); the ONNX graph answers
the outputs the task reads (:attr:`xlt.finetune.tasks.Task.export_outputs`). TorchScript keeps one ``logits``
output; int8 calibration and ``--drop-layers`` (distillation) need a classifier's texts and logits, so other
tasks get plain dynamic int8 and no dropped layers.

>>> export_variant("runs/sib200", "onnx", quantize="int8")  # doctest: +SKIP
PosixPath('runs/sib200/exports/onnx-int8')
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xlt.deploy.drop_layers import distill, drop_top_layers
from xlt.deploy.st_export import write_sentence_transformers
from xlt.errors import ConfigError, ModelError
from xlt.finetune.config import TrainConfig
from xlt.finetune.load import load_saved
from xlt.finetune.tasks import Task, exportable_tasks, get_task
from xlt.io import atomic_path, write_json
from xlt.model.card import MODEL_CARD_FILE, ModelCard
from xlt.model.heads.mean_pool_classifier import MeanPoolingForSequenceClassification
from xlt.model.saved import SavedModel
from xlt.model.variant import VARIANT_FILE, VariantCard, read_variant, variant_name
from xlt.run_folder import RunFolder

log = logging.getLogger("xlt")


def export_variant(run_or_model: str | Path, fmt: str = "onnx", *, quantize: str | None = None,
                   drop_layers: int = 0, name: str | None = None, output: str | Path | None = None,
                   distill_epochs: float = 2.0, distill_learning_rate: float = 1e-4, seed: int = 0,
                   calibration_texts: int = 256, device: str = "auto") -> Path:
    """Export the run's model as ``fmt`` (optionally int8, optionally without its top ``drop_layers`` layers).

    The variant goes to ``output`` (default ``<run>/exports/<name>``); dropping layers needs a run folder,
    because the pruned model is distilled from the full one on the run's source training data.
    ``run_or_model`` may also be a ``torch`` variant (a distilled one) to convert it to ONNX without
    distilling again. With ``quantize="int8"`` and a run folder, ``calibration_texts`` source training texts
    calibrate SmoothQuant and GPTQ, and the int8 graph closest to fp32 is kept (:mod:`xlt.deploy.int8_export`;
    0: plain dynamic quantisation). ``device``: where ``drop_layers`` distils (``auto``: a GPU where there is one);
    the export itself runs on the CPU.
    """
    if fmt not in EXPORTERS:
        raise ConfigError(f"unknown export format {fmt!r}; choose one of {list(EXPORTERS)}")
    if quantize is not None and quantize not in QUANTISATIONS[fmt]:
        can = [f"{q} (--format {f})" for f, qs in QUANTISATIONS.items() for q in qs]
        raise ConfigError(f"--format {fmt} cannot be quantised as {quantize!r}; the quantisations are: "
                          f"{', '.join(can)}")
    run = RunFolder.find(run_or_model)
    model_dir = run.model if run else Path(run_or_model)
    source = read_variant(model_dir)
    if source is not None and (source.format != "torch" or drop_layers):
        raise ConfigError(f"{model_dir} is an exported {source.format} variant; export from the run folder, or "
                          "from a torch variant (e.g. --drop-layers) without --drop-layers")
    if source is not None:  # a distilled torch variant -> ONNX/int8 without distilling again
        run = RunFolder.find(model_dir.parent.parent) if model_dir.parent.name == "exports" else None
    saved = load_saved(model_dir)
    task = get_task(saved.task, saved.task_options)
    if not task.export_outputs:
        raise ModelError(f"export supports the tasks {', '.join(exportable_tasks())}; "
                         f"{model_dir} is a {saved.task!r} model")
    model, distillation = saved.model, source.distillation if source else None
    if source is not None:
        drop_layers = source.drop_layers
    if drop_layers and not task.deployable:
        raise ConfigError(f"--drop-layers distils on texts and their logits, which {saved.task!r} models do not "
                          "have; export the full model")
    if drop_layers and source is None:
        if run is None:
            raise ConfigError("--drop-layers needs a run folder: the pruned model is re-fitted on its training data")
        model, distillation = _pruned_and_distilled(run, saved, drop_layers, distill_epochs, distill_learning_rate,
                                                    seed, device)
    target = Path(output) if output else (run.root if run else model_dir.parent) / "exports" / (
        name or variant_name(fmt, quantize, drop_layers))
    make_card = VariantCard.model_construct if fmt in OWN_FOLDER else VariantCard  # no xlt runtime: never read back
    card = make_card(format=fmt, quantize=quantize, drop_layers=drop_layers,
                       source_model=source.source_model if source else str(model_dir),
                       num_hidden_layers=model.config.num_hidden_layers, distillation=distillation)
    job = ExportJob(model, saved, task, card, quantize,
                    calibration=lambda: _calibration_texts(run, saved, calibration_texts, model_dir))
    with atomic_path(target) as tmp:
        tmp.mkdir(parents=True)
        EXPORTERS[fmt](job, tmp)
        if fmt in OWN_FOLDER:  # another library's layout, not an xlt variant
            log.info("exported %s", target)
            return target
        saved.tokenizer.save_pretrained(tmp)
        source_card = model_dir / MODEL_CARD_FILE
        if source_card.is_file():
            shutil.copyfile(source_card, tmp / MODEL_CARD_FILE)
        else:
            ModelCard(task=saved.task, prefix=job.prefix, max_length=saved.spec.resolved_max_length()).write(tmp)
        write_json(tmp / VARIANT_FILE, json.loads(card.model_dump_json()))
    log.info("exported %s", target)
    return target


@dataclass
class ExportJob:
    """What an export format's writer gets: the model to write, its loaded folder and the variant card
    (which the writer may complete, e.g. with the int8 calibration report)."""

    model: Any
    saved: SavedModel
    task: Task
    card: VariantCard
    quantize: str | None
    calibration: Callable[[], tuple]  # (calibration, check) inputs from the run's source training split

    @property
    def prefix(self) -> str:
        return self.saved.spec.resolved_prefix()

    @property
    def outputs(self) -> dict[str, tuple[str, ...]]:
        """The model outputs the exported graph answers, with their dynamic axes (the task's)."""
        return self.task.export_outputs


EXPORTERS: dict[str, Callable[[ExportJob, Path], None]] = {}
QUANTISATIONS: dict[str, tuple[str, ...]] = {}
OWN_FOLDER: set[str] = set()  # formats whose folder is the writer's alone: no xlt card, variant card, tokenizer


def register_exporter(fmt: str, write: Callable[[ExportJob, Path], None], *, quantise: tuple[str, ...] = (),
                      variant: bool = True) -> None:
    """Make ``xlt export --format fmt [--quantize Q]`` call ``write(job, folder)`` (Q among ``quantise``); the
    format's runtime (how a variant of it loads) is registered in :mod:`xlt.model.variant`. ``variant=False``:
    the writer's folder is another library's (sentence-transformers), which xlt adds nothing to."""
    EXPORTERS[fmt] = write
    QUANTISATIONS[fmt] = quantise
    if not variant:
        OWN_FOLDER.add(fmt)


def _write_torch(job: ExportJob, folder: Path) -> None:

    if isinstance(job.model, MeanPoolingForSequenceClassification):  # as finetune/save.py: plain HF loads it
        type(job.model).register_for_auto_class("AutoModelForSequenceClassification")
    job.model.save_pretrained(folder)


def _write_onnx(job: ExportJob, folder: Path) -> None:
    from xlt.deploy.onnx_export import export_onnx  # onnx: an optional dependency

    job.model.config.save_pretrained(folder)
    if not job.quantize:
        export_onnx(job.model, job.saved.tokenizer, folder / job.card.runtime_file, prefix=job.prefix,
                    outputs=job.outputs)
        return
    from xlt.deploy.int8_export import export_int8  # onnx, onnxruntime: optional dependencies

    calibrates = job.task.deployable  # calibration compares a classifier's logits per text
    calibration, check = job.calibration() if calibrates else (None, None)
    report = export_int8(job.model, job.saved.tokenizer, folder / job.card.runtime_file, prefix=job.prefix,
                         max_length=job.saved.spec.resolved_max_length(), calibration=calibration, check=check,
                         outputs=job.outputs)
    if report is not None:
        report["data"] = (f"calibration: {len(calibration[0])} texts of the run's source training split; check: "
                          + ("the same texts" if check is None else f"{report['check_texts']} other texts of it"))
    elif not calibrates:
        report = {"kept": "rtn", "data": f"none: {job.task.name} models get plain dynamic int8 quantisation, "
                                         "without calibration"}
    job.card.int8_calibration = report


def _write_torchscript(job: ExportJob, folder: Path) -> None:
    from xlt.deploy.torchscript_export import export_torchscript  # only for this format: start-up time

    if list(job.outputs) != ["logits"]:
        raise ConfigError(f"--format torchscript keeps one logits output; {job.task.name} models answer "
                          f"{', '.join(job.outputs)}: export --format onnx or torch")
    job.model.config.save_pretrained(folder)
    export_torchscript(job.model, job.saved.tokenizer, folder / job.card.runtime_file, prefix=job.prefix)


register_exporter("torch", _write_torch)
register_exporter("onnx", _write_onnx, quantise=("int8",))  # ONNX Runtime's dynamic quantisation
register_exporter("torchscript", _write_torchscript)
register_exporter("sentence-transformers", write_sentence_transformers, variant=False)


def _calibration_texts(run: RunFolder | None, saved, n_texts: int, model_dir: Path):
    """(calibration, check) inputs for int8 from the run's source training split, or (None, None)."""

    if not n_texts:
        return None, None
    if run is None:
        log.warning("int8 without SmoothQuant: %s is not in a run folder, so there are no source training texts to "
                    "calibrate on (export from the run folder)", model_dir)
        return None, None
    train = TrainConfig.from_yaml(run.config).data.load()["train"].shuffle(seed=0)
    texts, pairs = get_task(saved.task).model_inputs(train, saved.spec)
    calibration = (texts[:n_texts], pairs[:n_texts] if pairs else None)
    check = (texts[n_texts:2 * n_texts], pairs[n_texts:2 * n_texts] if pairs else None) if len(texts) > n_texts \
        else None
    return calibration, check


def _pruned_and_distilled(run: RunFolder, saved, n: int, epochs: float, learning_rate: float, seed: int,
                          device: str):

    config = TrainConfig.from_yaml(run.config)
    train = config.data.load()["train"]
    texts, pairs = get_task(saved.task).model_inputs(train, saved.spec)
    label2id = saved.model.config.label2id
    labels = [label2id[label] for label in train["label"]]
    student = drop_top_layers(saved.model, n)
    log.info("distilling the %d-layer model into %d layers on %d source examples (%s epochs)",
             student.config.num_hidden_layers + n, student.config.num_hidden_layers, len(texts), epochs)
    stats = distill(student, saved.model, saved.tokenizer, texts, labels, text_pairs=pairs, epochs=epochs,
                    learning_rate=learning_rate, batch_size=config.training.batch_size,
                    max_length=saved.spec.resolved_max_length(), seed=seed, device=device)
    stats["data"] = f"the run's source training split ({len(texts)} rows in {sorted(set(train['lang']))})"
    return student, stats
