"""``training.average_checkpoints``: the mean of the last K epoch ends' trainable weights, chosen on dev, resumable."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch
from transformers import TrainerCallback

from xlt.errors import ConfigError
from xlt.finetune.checkpoint_average import FOLDER, EpochEnd, EpochWeights, use_average
from xlt.finetune.seeds import SeedRuns
from xlt.finetune.train import train
from xlt.interrupt import GracefulInterrupt, TrainingInterrupted
from xlt.run_folder import RunInfo

from tests.finetune.test_train import toy_config

#: 3 epochs of 3 steps (12 source training rows, batch 4), every epoch end kept, no baselines
TRAINING = {"epochs": 3, "early_stopping_patience": None}


class EpochEndRecorder(TrainerCallback):
    """Every parameter (trainable or not) at each epoch end, by global step; a later run's capture at the same
    step (an epoch trained again after a resume) replaces the earlier one."""

    def __init__(self) -> None:
        self.by_step: dict[int, dict[str, torch.Tensor]] = {}
        self.trainable: set[str] = set()
        self.evaluations = 0

    def on_evaluate(self, args, state, control, **kwargs):
        self.evaluations += 1

    def on_epoch_end(self, args, state, control, model=None, **kwargs):
        if abs(state.epoch - round(state.epoch)) < 1e-6:  # not the stop Ctrl-C asks for mid-epoch
            self.by_step[state.global_step] = {n: p.detach().clone() for n, p in model.named_parameters()}
            self.trainable = {n for n, p in model.named_parameters() if p.requires_grad}

    def mean_of_last(self, k: int) -> dict[str, torch.Tensor]:
        last = [self.by_step[step] for step in sorted(self.by_step)[-k:]]
        return {name: torch.stack([weights[name] for weights in last]).mean(0) for name in last[0]}


def record_kept_weights(patch: pytest.MonkeyPatch) -> dict[str, torch.Tensor]:
    """A dict that fills with the model's parameters right after :meth:`EpochWeights.choose` (what the run then
    saves)."""
    kept: dict[str, torch.Tensor] = {}
    choose = EpochWeights.choose

    def recording_choose(self, trainer, select):
        fields = choose(self, trainer, select)
        kept.update({n: p.detach().clone() for n, p in trainer.model.named_parameters()})
        return fields

    patch.setattr(EpochWeights, "choose", recording_choose)
    return kept


@pytest.fixture
def kept_weights(monkeypatch) -> dict[str, torch.Tensor]:
    return record_kept_weights(monkeypatch)


def _config(tiny_model, toy_data, tmp_path, strategy=None, **training):
    extra = {"strategy": strategy} if strategy else {}
    return toy_config(tiny_model, toy_data, tmp_path, training={**TRAINING, **training},
                      evaluation={"baselines": []}, **extra)


# --- the average is the mean of the epoch-end weights; frozen parts stay as they are ----------------------

@pytest.mark.parametrize("strategy", [{"name": "freeze"}, {"name": "lora", "rank": 2}], ids=["freeze", "lora"])
def test_the_model_holds_the_mean_of_the_last_k_epoch_ends(strategy, tiny_model, toy_data, tmp_path, kept_weights):
    recorder = EpochEndRecorder()
    cfg = _config(tiny_model, toy_data, tmp_path, strategy, average_checkpoints=2, average_select="always")
    run = train(cfg, callbacks=[recorder])

    assert len(recorder.by_step) == 3
    assert recorder.evaluations == 3  # scoring the average is no on_evaluate (a tuner's pruner would see it)
    expected = recorder.mean_of_last(2)
    frozen = set(expected) - recorder.trainable
    assert recorder.trainable and frozen  # both strategies leave parts frozen
    for name in recorder.trainable:
        torch.testing.assert_close(kept_weights[name], expected[name], rtol=1e-6, atol=1e-7, msg=name)
    last = recorder.by_step[max(recorder.by_step)]
    assert any(not torch.equal(kept_weights[n], last[n]) for n in recorder.trainable)  # not just the last epoch
    for name in frozen:
        assert torch.equal(kept_weights[name], last[name]), name

    info = run.run_info
    assert (info.averaged_checkpoints, info.averaged_epochs, info.average_select) == (2, [2.0, 3.0], "always")
    assert info.averaged_used is True and info.averaged_dev_score is not None
    assert not (cfg.run_dir / "checkpoints").exists()  # epoch-weights/ with them
    if strategy["name"] == "freeze":  # the saved plain transformers folder holds the average too
        from xlt.finetune.tasks import ClassificationTask

        saved = dict(ClassificationTask().load_model(run.root / "model").named_parameters())
        for name in recorder.trainable:
            torch.testing.assert_close(saved[name], expected[name], rtol=1e-6, atol=1e-7, msg=name)
        weights_line = "**Weights:** the mean of the weights at the last 2 epoch ends (epochs 2, 3), used without"
        assert weights_line in (run.root / "report.md").read_text()
        assert weights_line in (run.root / "model" / "README.md").read_text()
        assert "Weights" in (run.root / "report.html").read_text()


# --- average_score_both: the weights not kept are scored too, and the model keeps its own --------------------

def test_the_weights_not_kept_are_scored_beside_the_model(tiny_model, toy_data, tmp_path, monkeypatch):
    put_aside: dict[str, torch.Tensor] = {}
    choose = EpochWeights.choose

    def recording_choose(self, trainer, select):
        fields = choose(self, trainer, select)
        put_aside.update(self.not_kept)
        return fields

    monkeypatch.setattr(EpochWeights, "choose", recording_choose)
    recorder = EpochEndRecorder()
    cfg = _config(tiny_model, toy_data, tmp_path, average_checkpoints=2, average_select="always",
                  average_score_both=True)
    run = train(cfg, callbacks=[recorder])

    # the saved model holds the average; put aside is the best checkpoint, one of the epoch ends
    average = recorder.mean_of_last(2)
    assert any(all(torch.equal(put_aside[n], ends[n]) for n in put_aside) for ends in recorder.by_step.values())
    assert any(not torch.allclose(put_aside[n], average[n]) for n in put_aside)
    from xlt.finetune.evaluate_saved import evaluate_saved
    from xlt.finetune.tasks import ClassificationTask

    saved = ClassificationTask().load_model(run.root / "model")
    saved_params = dict(saved.named_parameters())
    for name in put_aside:
        torch.testing.assert_close(saved_params[name], average[name], rtol=1e-6, atol=1e-7, msg=name)

    not_kept = json.loads((run.root / "not-kept" / "metrics.json").read_text())
    info = RunInfo.read(run.root / "not-kept" / "run_info.json")
    assert set(not_kept["systems"]) == {"xlt"} and info.averaged_used is False
    assert info.weights_note.startswith("the best checkpoint, scored beside the saved model")
    # its scores are those of the saved model with the best checkpoint's weights put back
    for name, value in put_aside.items():
        saved_params[name].data.copy_(value)
    best_folder = tmp_path / "best-model"
    saved.save_pretrained(best_folder)
    for extra in (run.root / "model").iterdir():  # tokenizer and xlt's own files: the same model otherwise
        if not (best_folder / extra.name).exists():
            (best_folder / extra.name).write_bytes(extra.read_bytes())
    scored = evaluate_saved(best_folder, None, test=cfg.data.load()["test"], output=tmp_path / "best-eval")
    for lang, row in not_kept["systems"]["xlt"]["languages"].items():
        assert scored["systems"]["xlt"]["languages"][lang]["accuracy"] == row["accuracy"], lang
        predicted = [json.loads(line)["prediction"] for folder in (run.root / "not-kept", tmp_path / "best-eval")
                     for line in (folder / "predictions" / f"{lang}.jsonl").read_text().splitlines()]
        assert predicted[:len(predicted) // 2] == predicted[len(predicted) // 2:], lang
    kept = json.loads((run.root / "metrics.json").read_text())["systems"]["xlt"]["languages"]
    assert set(kept) == set(not_kept["systems"]["xlt"]["languages"])


# --- dev keeps the best checkpoint when the average scores lower, and the average otherwise -------------

def test_use_average():
    assert use_average("dev", averaged=0.7, best=0.8) is False
    assert use_average("dev", averaged=0.8, best=0.8) is True  # a tie goes to the average
    assert use_average("dev", averaged=0.9, best=0.8) is True
    assert use_average("dev", averaged=float("nan"), best=0.8) is False
    assert use_average("always", averaged=0.1, best=0.8) is True


def _stub_trainer(model: torch.nn.Module, best: float):
    """What :meth:`EpochWeights.choose` uses of a Trainer; the dev "accuracy" is the sum of the weights."""

    def predict(dataset, metric_key_prefix="test"):
        return SimpleNamespace(metrics={f"{metric_key_prefix}_accuracy": float(model.weight.detach().sum())})

    return SimpleNamespace(model=model, eval_dataset=[0], predict=predict,
                           args=SimpleNamespace(metric_for_best_model="accuracy"),
                           state=SimpleNamespace(best_metric=best))


@pytest.mark.parametrize(("ends", "select", "used"), [
    ((0.1, 0.2), "dev", False),  # the mean scores 0.6 on the 4 weights, the best 0.8: kept
    ((0.2, 0.4), "dev", True),  # 1.2 > 0.8
    ((0.1, 0.2), "always", True),
], ids=["dev-lower", "dev-higher", "always-lower"])
def test_choose_keeps_the_weights_dev_prefers(ends, select, used, tmp_path):
    model = torch.nn.Linear(2, 2, bias=False)
    model.requires_grad_(True)
    with torch.no_grad():
        model.weight.fill_(0.2)  # the best checkpoint, loaded by the Trainer: scores 0.8
    averager = EpochWeights(2, tmp_path)
    averager.window.extend(EpochEnd(step, epoch, {"weight": torch.full((2, 2), value)})
                           for step, epoch, value in ((3, 1.0, ends[0]), (6, 2.0, ends[1])))
    fields = averager.choose(_stub_trainer(model, best=0.8), select)

    mean = (ends[0] + ends[1]) / 2
    assert fields["averaged_used"] is used
    assert fields["averaged_dev_score"] == pytest.approx(4 * mean)
    assert fields["averaged_epochs"] == [1.0, 2.0] and fields["averaged_checkpoints"] == 2
    torch.testing.assert_close(model.weight, torch.full((2, 2), mean if used else 0.2))
    torch.testing.assert_close(averager.not_kept["weight"], torch.full((2, 2), 0.2 if used else mean))
    assert fields["weights_note"].startswith("the best checkpoint") is not used
    RunInfo(name="x", task="classification", **fields)  # the fields are RunInfo's


def test_one_epoch_end_is_nothing_to_average(tmp_path):
    model = torch.nn.Linear(2, 2, bias=False)
    before = model.weight.detach().clone()
    averager = EpochWeights(3, tmp_path)
    averager.window.append(EpochEnd(3, 1.0, {"weight": torch.zeros(2, 2)}))
    fields = averager.choose(_stub_trainer(model, best=0.5), "always")
    assert fields["averaged_used"] is False and fields["averaged_checkpoints"] == 1
    assert torch.equal(model.weight, before)


# --- the settings are checked when the config is read ------------------------------------------------

@pytest.mark.parametrize(("training", "message"), [
    ({"average_checkpoints": 1}, r"training\.average_checkpoints: 0 \(off\) or .* 2 or more; got 1"),
    ({"average_checkpoints": -2}, r"training\.average_checkpoints: 0 \(off\) or .* 2 or more; got -2"),
    ({"average_checkpoints": 4}, r"training\.average_checkpoints: 4 epoch ends to average, but training\.epochs=3 "
                                 r"has 3"),
    ({"average_checkpoints": 2, "average_select": "best"}, r"training\.average_select"),
    ({"average_score_both": True}, r"training\.average_score_both: .* training\.average_checkpoints is 0"),
])
def test_bad_settings_fail_when_the_config_is_read(training, message, tiny_model, toy_data, tmp_path):
    with pytest.raises(ConfigError, match=message):
        _config(tiny_model, toy_data, tmp_path, **training)


def test_settings_that_are_accepted(tiny_model, toy_data, tmp_path):
    assert _config(tiny_model, toy_data, tmp_path).training.average_checkpoints == 0
    assert _config(tiny_model, toy_data, tmp_path, average_checkpoints=3).training.average_select == "dev"
    assert _config(tiny_model, toy_data, tmp_path, epochs=2.5, average_checkpoints=3)  # the partial epoch ends too
    # with max_steps the number of epochs is known only once the data is: not checked here
    assert _config(tiny_model, toy_data, tmp_path, max_steps=5, average_checkpoints=5)


def test_dev_selection_needs_a_dev_set(tiny_model, toy_data, tmp_path):
    no_dev = {"split": {"train": 0.75, "dev": 0.0, "test": 0.25, "seed": 0}}
    with pytest.raises(ConfigError, match=r"average_select: dev compares .* training\.average_select: always"):
        toy_config(tiny_model, toy_data, tmp_path, data=no_dev, training={"average_checkpoints": 2})
    cfg = toy_config(tiny_model, toy_data, tmp_path, data=no_dev,
                     training={"average_checkpoints": 2, "average_select": "always"})
    assert cfg.training.average_select == "always"
    with pytest.raises(ConfigError, match="dev set is empty"):  # a split that leaves dev empty, found at run time
        EpochWeights.for_run(cfg.training.model_copy(update={"average_select": "dev"}), tmp_path, dev_rows=0)
    assert EpochWeights.for_run(cfg.training, tmp_path, dev_rows=0).k == 2
    assert EpochWeights.for_run(cfg.training.model_copy(update={"average_checkpoints": 0}), tmp_path,
                                dev_rows=5) is None


def test_translation_does_not_take_it(tmp_path):
    from xlt.finetune.config import TrainConfig

    with pytest.raises(ConfigError, match=r"task translation .* training\.average_checkpoints: 0"):
        TrainConfig.validated({
            "name": "mt", "task": "translation", "output_dir": str(tmp_path),
            "data": {"train": {"format": "jsonl", "path": str(tmp_path / "train.jsonl"), "languages": ["en"]},
                     "test": {"format": "jsonl", "path": str(tmp_path / "test.jsonl"), "languages": ["en"]}},
            "training": {"average_checkpoints": 2}})


# --- an interrupted run resumes to the same average -------------------------------------------------

class Killed(BaseException):
    """Stands for kill -9: nothing in the run catches it, so the run folder is left as the kill would leave it."""


class KillAt(TrainerCallback):
    """Dies at the given event of the epoch ending at ``step``: ``epoch_end`` (after that epoch's weights are
    written, before its checkpoint) or ``save`` (after its checkpoint)."""

    def __init__(self, event: str, step: int) -> None:
        self.event, self.step = event, step

    def on_epoch_end(self, args, state, control, **kwargs):
        if self.event == "epoch_end" and state.global_step == self.step:
            raise Killed

    def on_save(self, args, state, control, **kwargs):
        if self.event == "save" and state.global_step == self.step:
            raise Killed


def _interrupt(how: str, cfg, recorder, monkeypatch) -> None:
    """Stop ``cfg``'s run as ``how`` says, at step 5 of 9 (mid-epoch) or 6 (epoch 2's end)."""
    if how.startswith("ctrl-c"):  # a real SIGINT: a checkpoint at that step
        original, at = GracefulInterrupt.on_step_end, 5 if "mid-epoch" in how else 6

        def on_step_end(self, args, state, control, **kwargs):
            if state.global_step == at:
                os.kill(os.getpid(), signal.SIGINT)
            return original(self, args, state, control, **kwargs)

        monkeypatch.setattr(GracefulInterrupt, "on_step_end", on_step_end)
        with pytest.raises(TrainingInterrupted):
            train(cfg, callbacks=[recorder])
        monkeypatch.setattr(GracefulInterrupt, "on_step_end", original)
        return
    handler = signal.getsignal(signal.SIGINT)
    kill = KillAt("save" if "after save" in how else "epoch_end", 6)
    try:
        with pytest.raises(Killed):
            train(cfg, callbacks=[recorder, kill])
    finally:
        signal.signal(signal.SIGINT, handler)  # a killed run does not put its Ctrl-C handler back


@pytest.fixture(scope="module")
def uninterrupted(tiny_model, tmp_path_factory) -> dict[str, torch.Tensor]:
    """The parameters after an uninterrupted averaging run on the toy data (written again for this module)."""
    from tests.helpers import toy_rows, write_jsonl

    root = tmp_path_factory.mktemp("uninterrupted")
    for lang in ("en", "de", "fr"):
        write_jsonl(root / "toy" / f"{lang}.jsonl", toy_rows(lang))
    with pytest.MonkeyPatch.context() as patch:
        kept = record_kept_weights(patch)
        train(_config(tiny_model, root / "toy", root, average_checkpoints=3, average_select="always"),
              evaluate=False)
    return kept


@pytest.mark.parametrize("how", ["ctrl-c mid-epoch", "ctrl-c at an epoch end", "killed after epoch_end",
                                 "killed after save", "killed after save, epoch end's copy lost"])
def test_resume_after_an_interruption_gives_the_same_average(how, uninterrupted, tiny_model, toy_data, tmp_path,
                                                             kept_weights, monkeypatch):
    recorder = EpochEndRecorder()
    cfg = _config(tiny_model, toy_data, tmp_path, average_checkpoints=3, average_select="always")
    _interrupt(how, cfg, recorder, monkeypatch)
    copies = cfg.run_dir / "checkpoints" / FOLDER
    if how.endswith("lost"):  # as a kill leaves a checkpoint Ctrl-C asked for on an epoch's last step
        (copies / "step-6.safetensors").unlink()
    saved = sorted(p.name for p in copies.glob("*.safetensors"))
    assert saved == {"ctrl-c mid-epoch": ["step-3.safetensors"],
                     "killed after epoch_end": ["step-3.safetensors", "step-6.safetensors"],  # no checkpoint-6
                     "ctrl-c at an epoch end": ["step-3.safetensors", "step-6.safetensors"],
                     "killed after save": ["step-3.safetensors", "step-6.safetensors"],
                     "killed after save, epoch end's copy lost": ["step-3.safetensors"]}[how]

    run = train(cfg, resume=True, callbacks=[recorder])
    assert sorted(recorder.by_step) == [3, 6, 9]
    expected = recorder.mean_of_last(3)  # the epoch ends of both parts: the first part's come from disk
    for name in recorder.trainable:
        torch.testing.assert_close(kept_weights[name], expected[name], rtol=1e-6, atol=1e-7, msg=name)
    # resumed at an epoch end, the Trainer retraces the uninterrupted run; resumed mid-epoch it does not, with or
    # without averaging (its weights differ from the rest of that epoch on, by ~1e-3 here, even without dropout)
    if how != "ctrl-c mid-epoch":
        for name in recorder.trainable:
            torch.testing.assert_close(kept_weights[name], uninterrupted[name], rtol=1e-5, atol=1e-6, msg=name)
    info = json.loads((run.root / "run_info.json").read_text())
    assert info["averaged_epochs"] == [1.0, 2.0, 3.0] and info["resumed"] is True


def test_a_tuning_trial_is_scored_by_the_weights_it_keeps():
    pytest.importorskip("optuna")
    from xlt.tune.objective import source_dev_score

    run = {"name": "t", "task": "classification", "source_languages": ["en"], "dev_languages": ["en"],
           "best_dev_score": 0.8}
    assert source_dev_score(RunInfo(**run)) == 0.8
    assert source_dev_score(RunInfo(**run, averaged_used=False, averaged_dev_score=0.7)) == 0.8
    assert source_dev_score(RunInfo(**run, averaged_used=True, averaged_dev_score=0.85)) == 0.85


# --- every seed averages its own epoch ends ------------------------------------------------------------

def test_each_seed_averages_its_own_checkpoints(tiny_model, toy_data, tmp_path):
    cfg = _config(tiny_model, toy_data, tmp_path, epochs=2, seeds=2, average_checkpoints=2, average_score_both=True)
    runs = train(cfg)
    assert isinstance(runs, SeedRuns)
    for seed, run in runs.runs.items():
        info = RunInfo.read(Path(run.root) / "run_info.json")
        assert (info.averaged_checkpoints, info.averaged_epochs, info.average_select) == (2, [1.0, 2.0], "dev"), seed
        assert info.averaged_used is (info.averaged_dev_score >= info.best_dev_score), seed
        assert "**Weights:**" in (run.root / "report.md").read_text()
    # both weights, scored in every seed, are two more systems of the spread
    spread = json.loads(runs.seeds_json.read_text())
    assert {"xlt", "xlt best-checkpoint", "xlt averaged"} <= set(spread["systems"])
    for seed, run in runs.runs.items():
        kept = json.loads((run.root / "metrics.json").read_text())["systems"]["xlt"]["languages"]
        other = json.loads((run.root / "not-kept" / "metrics.json").read_text())["systems"]["xlt"]["languages"]
        as_kept = "xlt averaged" if run.run_info.averaged_used else "xlt best-checkpoint"
        as_other = "xlt best-checkpoint" if run.run_info.averaged_used else "xlt averaged"
        i = list(runs.runs).index(seed)
        for lang in kept:
            assert spread["systems"][as_kept]["languages"][lang]["accuracy"]["values"][i] == kept[lang]["accuracy"]
            assert spread["systems"][as_other]["languages"][lang]["accuracy"]["values"][i] == other[lang]["accuracy"]
    assert "xlt averaged" in (runs.root / "report.md").read_text()
