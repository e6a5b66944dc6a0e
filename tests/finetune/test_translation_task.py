"""task: translation end to end: a tiny Marian model trained from scratch on toy English -> French pairs."""

from __future__ import annotations

import json

import pytest
import sacrebleu

from xlt.errors import ConfigError
from xlt.finetune.config import TrainConfig
from xlt.finetune.train import train

from tests.finetune.tiny_marian import build_tiny_marian
from tests.helpers import COLOURS, THINGS, write_jsonl

DETERMINERS = [("the", "le"), ("a", "un"), ("my", "mon"), ("this", "ce")]


def toy_pairs() -> list[dict]:
    """48 English -> French phrases of the toy words, the adjective moved behind the noun: 'a red cat' ->
    'un chat rouge'."""
    return [{"id": f"p{i}", "lang": "fra", "text": f"{d_en} {c_en} {t_en}", "label": f"{d_fr} {t_fr} {c_fr}"}
            for i, ((d_en, d_fr), c_en, c_fr, t_en, t_fr) in enumerate(
                (d, c_en, c_fr, t_en, t_fr) for d in DETERMINERS
                for c_en, c_fr in zip(COLOURS["en"], COLOURS["fr"], strict=True)
                for t_en, t_fr in zip(THINGS["en"], THINGS["fr"], strict=True))]


def test_tiny_marian_trains_scores_and_saves(tmp_path, monkeypatch):
    """The translation task end to end in seconds: a Marian model with random weights trains on toy pairs in
    random batch order, is scored beside copy-the-source, and the saved model loads again.

    How well a tiny model from scratch translates (it beats copy-the-source on held-out NTREX news) is a
    20-minute measurement: ``bench/tiny_marian_ntrex.py``, figure in bench/RESULTS.md. That a model from
    scratch learns to read its source in random batch order, and not in HF's length-grouped batches, is
    ``bench/tiny_marian_ntrex.py --copy``.
    """
    from transformers import Seq2SeqTrainer

    rows = toy_pairs()
    splits = {"train": rows[::2], "dev": rows[1::4], "test": rows[3::4]}
    for name, part in splits.items():
        write_jsonl(tmp_path / f"{name}.jsonl", part)
    model = build_tiny_marian(tmp_path / "marian", [r[k] for r in rows for k in ("text", "label")],
                              vocab_size=36, d_model=32, layers=1)
    orders = []
    original_train = Seq2SeqTrainer.train

    def train_and_note_the_batch_order(self, *args, **kwargs):
        orders.append(self.args.train_sampling_strategy)
        return original_train(self, *args, **kwargs)

    monkeypatch.setattr(Seq2SeqTrainer, "train", train_and_note_the_batch_order)
    config = TrainConfig.validated({
        "name": "marian", "output_dir": str(tmp_path / "runs"), "task": "translation",
        "task_options": {"source_lang": "eng", "num_beams": 1, "max_new_tokens": 8, "no_repeat_ngram_size": 3},
        "model": {"name": str(model), "max_length": 16},
        "data": {s: {"format": "jsonl", "path": str(tmp_path / f"{s}.jsonl"), "languages": ["fra"]}
                 for s in splits},
        "training": {"epochs": 3, "batch_size": 4, "learning_rate": 3e-3, "warmup": 0.0,
                     "early_stopping_patience": None, "length_grouped": False},
        "evaluation": {"bootstrap_resamples": 10},
    })
    run = train(config)

    assert orders == ["random"]  # length_grouped: false reaches the trainer
    curve = json.loads((run.root / "loss_curve.json").read_text())
    assert len(curve["dev"]) == 3 and curve["train"][-1][1] < curve["train"][0][1]
    systems = run.results["systems"]
    assert set(systems) == {"xlt", "copy-source"}
    model_scores = systems["xlt"]["languages"]["fra"]
    # the score is sacreBLEU's own on the written predictions
    predictions = [json.loads(line) for line in (run.root / "predictions" / "fra.jsonl").read_text().splitlines()]
    assert len(predictions) == len(splits["test"])
    assert model_scores["bleu"] * 100 == pytest.approx(sacrebleu.corpus_bleu([r["prediction"] for r in predictions],
                                                                             [[r["label"] for r in predictions]]).score)
    assert systems["copy-source"]["languages"]["fra"]["bleu"] < 0.05  # English copied is no French
    # the saved model loads for evaluation of new files
    from xlt.finetune.load import load_saved

    saved = load_saved(run.root / "model")
    assert saved.task == "translation" and type(saved.model).__name__ == "MarianMTModel"


def test_language_tag_families_need_their_codes():
    from xlt.translate.lang_tags import set_languages

    class FakeNllb:  # has src_lang like NllbTokenizer: codes are required
        src_lang = "eng_Latn"
        unk_token_id = 3
        lang_code_to_id = {"spa_Latn": 7}

        def convert_tokens_to_ids(self, token):
            return self.lang_code_to_id.get(token, self.unk_token_id)

    with pytest.raises(ConfigError, match="set src_lang and tgt_lang"):
        set_languages(FakeNllb(), None, None)
    assert set_languages(FakeNllb(), "eng_Latn", "spa_Latn") == 7
    with pytest.raises(ConfigError, match="not one of its language codes"):
        set_languages(FakeNllb(), "eng_Latn", "xxx_Latn")

    class Plain:  # Marian, mT5: no tags, nothing forced
        pass

    assert set_languages(Plain(), None, None) is None
