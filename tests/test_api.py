"""The public Python API: ``import xlt`` is light, and its names are the real functions."""

import subprocess
import sys


def test_import_xlt_loads_no_torch_and_exposes_the_api():
    code = ("import sys, xlt; assert 'torch' not in sys.modules, 'import xlt pulled in torch'; "
            "from xlt.finetune.train import train; from xlt.finetune.evaluate_saved import evaluate_saved; "
            "assert xlt.train is train and xlt.evaluate_model is evaluate_saved; "
            "assert xlt.TrainConfig.__name__ == 'TrainConfig'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_api_trains_and_evaluates_a_tiny_run(tiny_model, toy_data, tmp_path):
    import xlt

    config = xlt.TrainConfig.model_validate({
        "name": "api", "output_dir": str(tmp_path), "model": {"name": str(tiny_model), "max_length": 32},
        "data": {"pool": {"format": "jsonl", "path": str(toy_data / "{lang}.jsonl"), "languages": ["en", "de"]},
                 "source_languages": ["en"]},
        "training": {"epochs": 1, "batch_size": 8}, "evaluation": {"bootstrap_resamples": 20, "baselines": []}})
    run = xlt.train(config)
    again = xlt.evaluate_model(run.root, None, test=config.data.load()["test"], output=tmp_path / "again")
    assert again["systems"]["xlt"]["languages"].keys() == run.results["systems"]["xlt"]["languages"].keys()
    assert again["systems"]["xlt"]["target_mean"] == run.results["systems"]["xlt"]["target_mean"]
