"""Fixtures for the deployment tests: one tiny trained run (2-layer BERT, toy en/de/fr data) per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.deploy.helpers import TOKEN, LiveServer, deploy_toy_rows
from tests.helpers import write_jsonl


@pytest.fixture(scope="session")
def tiny_run(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A trained run folder on the tiny model (a few seconds), shared read-only by the deploy tests."""
    from xlt.finetune.config import TrainConfig
    from xlt.finetune.train import train

    root = tmp_path_factory.mktemp("deploy")
    for lang in ("en", "de", "fr"):
        write_jsonl(root / "toy" / f"{lang}.jsonl", deploy_toy_rows(lang))
    config = TrainConfig.validated({
        "name": "toy", "output_dir": str(root / "runs"),
        "model": {"name": str(tiny_model), "max_length": 32},
        "data": {"pool": {"format": "jsonl", "path": str(root / "toy" / "{lang}.jsonl"),
                          "languages": ["en", "de", "fr"]},
                 "split": {"train": 0.5, "dev": 0.25, "test": 0.25, "seed": 0}, "source_languages": ["en"]},
        "strategy": {"name": "full"},
        "training": {"epochs": 3, "batch_size": 4, "learning_rate": 1e-3},
        "evaluation": {"bootstrap_resamples": 20, "baselines": []},
    })
    return train(config).root


@pytest.fixture(scope="session")
def stock_folders(tiny_model, tmp_path_factory):
    """A token classifier and a span (QA) model saved by transformers alone: no xlt card."""
    import torch
    from transformers import AutoTokenizer, BertConfig, BertForQuestionAnswering, BertForTokenClassification

    root = tmp_path_factory.mktemp("stock")
    torch.manual_seed(0)
    tags = ["O", "B-PER", "I-PER"]
    config = BertConfig.from_pretrained(tiny_model, num_labels=3, max_position_embeddings=128,
                                        id2label=dict(enumerate(tags)), label2id={t: i for i, t in enumerate(tags)})
    BertForTokenClassification(config).save_pretrained(root / "tagger")
    # 128 positions: a card-less folder is read at the default max length, 128 tokens
    BertForQuestionAnswering(BertConfig.from_pretrained(tiny_model, max_position_embeddings=128)).save_pretrained(
        root / "qa")
    for name in ("tagger", "qa"):
        AutoTokenizer.from_pretrained(tiny_model).save_pretrained(root / name)
    return root


@pytest.fixture(scope="session")
def toy_jsonl(tiny_run: Path) -> Path:
    """The toy data as ``{lang}`` JSONL files (a data spec path for ``xlt evaluate``)."""
    return tiny_run.parent.parent / "toy"


@pytest.fixture(scope="session")
def tiny_predictor(tiny_run: Path):
    from xlt.deploy.predictor import Predictor

    return Predictor(tiny_run)


@pytest.fixture(scope="module")
def live_server(tiny_run: Path, tiny_predictor):
    """The service on the tiny run with small limits and a token, running on loopback."""
    from xlt.deploy.serve.app import create_app
    from xlt.deploy.serve.settings import ServeSettings

    settings = ServeSettings(model=tiny_run, max_batch_size=4, max_wait_ms=20, queue_size=8, max_texts=8,
                             max_chars=200, max_body_bytes=64 * 1024, api_token=TOKEN)
    with LiveServer(create_app(settings, predictor=tiny_predictor)) as server:
        yield server
