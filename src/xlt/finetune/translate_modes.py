"""translate-test and translate-train: the two machine-translation alternatives to zero-shot transfer.

* translate-test: each target language's test text is translated into the source language and the
  source model (the zero-shot model itself) classifies the translation;
* translate-train: the source training data are translated into every configured target language and
  one multilingual model is trained on the source rows plus all translations (same recipe, same
  epochs: so it takes more steps), in ``<run>/translate-train/``.

Both become systems beside ``xlt`` (zero-shot) in ``metrics.json``, the report table and the
system x test-language matrix. On the source language translate-test is the zero-shot model on the
untranslated text (nothing to translate), so the source score and gap stay comparable.

Text tasks only: tagging and QA would need the labels carried onto the translation (word alignment
for tags, answer spans), which xlt does not do, so it refuses them instead of guessing.
"""

from __future__ import annotations

import json
import logging

from datasets import Dataset, concatenate_datasets

from xlt.errors import ConfigError
from xlt.io import write_jsonl
from xlt.translate import TranslationCache, get_translator, translate_texts
from xlt.translate.settings import TranslateSettings

log = logging.getLogger("xlt")

MODES = ("translate-test", "translate-train")


def check_supported(task, settings: TranslateSettings, source_languages: list[str]) -> None:
    """Translate modes need a task whose labels survive translating the input (``task.translatable``)."""
    if not settings.enabled:
        return
    if not task.translatable:
        raise ConfigError(f"translate-test/translate-train are not supported for task {task.name!r}: its labels "
                          "would have to be projected onto the translation (word alignment for tags, answer "
                          "spans for QA), which xlt does not do. Remove the translate: section.")
    if len(source_languages) != 1:
        raise ConfigError(f"translate: needs exactly one source language, got {source_languages}")


def _cache(settings: TranslateSettings) -> TranslationCache:
    return TranslationCache(settings.cache)


def _translate_columns(ds: Dataset, translator, settings: TranslateSettings, desc: str) -> dict[str, list[str]]:
    """Translated ``text`` (and ``text_pair``) columns of ``ds``."""
    out = {}
    for column in ("text", "text_pair"):
        if column in ds.column_names:
            out[column] = translate_texts(translator, list(ds[column]), cache=_cache(settings),
                                          batch_size=settings.batch_size, desc=f"{desc} {column}")
    return out


def translate_train_data(train: Dataset, settings: TranslateSettings) -> Dataset:
    """The source rows plus one translated copy per target language (``lang`` = target, id ``ID@lang``)."""
    parts = [train]
    for lang, spec in settings.train.items():
        translator = get_translator(spec)
        columns = _translate_columns(train, translator, settings, f"translate-train -> {lang}")
        copy = train.to_dict()
        copy.update(columns)
        copy["lang"] = [lang] * len(train)
        copy["id"] = [f"{i}@{lang}" for i in train["id"]]
        parts.append(Dataset.from_dict(copy, features=train.features))
        log.info("translate-train: %d training rows translated into %s with %s", len(train), lang,
                 translator.cache_key)
    return concatenate_datasets(parts)


def translate_test_predictions(task, model, tokenizer, spec, test: Dataset, settings: TranslateSettings,
                               source_languages: list[str], records_dir) -> dict[str, list]:
    """language -> predictions of ``model`` on the test text translated into the source language."""

    predictions: dict[str, list] = {}
    for lang in dict.fromkeys(test["lang"]):
        if lang not in settings.test and lang not in source_languages:
            continue
        ds = test.filter(lambda row, lang=lang: row["lang"] == lang)
        if lang in source_languages:
            translated = ds  # nothing to translate: the source model on its own language
        else:
            translator = get_translator(settings.test[lang])
            columns = _translate_columns(ds, translator, settings, f"translate-test {lang} ->")
            translated = ds
            for column, values in columns.items():
                translated = translated.remove_columns(column).add_column(column, values)
        predictions[lang] = task.predict(model, tokenizer, spec, translated)
        if lang not in source_languages:
            write_jsonl(records_dir / f"{lang}.jsonl", (
                {"id": row["id"], "text": row["text"], "translation": tr["text"],
                 **({"text_pair": row["text_pair"], "translation_pair": tr["text_pair"]}
                    if "text_pair" in row else {}),
                 "label": row.get("label"), "prediction": p}
                for row, tr, p in zip(ds, translated, predictions[lang], strict=True)))
    return predictions


def translate_train_predictions(config, run) -> dict[str, list]:
    """Train the translate-train model in ``<run>/translate-train``; language -> its test predictions."""
    from xlt.finetune.train import train  # train() uses this module: a cycle, resolved at call time

    sub = config.with_overrides([
        "name=translate-train", f"output_dir={run.root}", "evaluation.matrix=false", "evaluation.baselines=[]",
        "translate.test={}", "translate.augment_train=true",
    ])
    trained = train(sub, overwrite=True)
    predictions: dict[str, list] = {}
    for path in sorted(trained.folder.predictions.glob("*.jsonl")):
        rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
        predictions[path.stem] = [row["prediction"] for row in rows]
    return predictions


def translation_systems(config, run, task, model, tokenizer, test: Dataset,
                        source_languages: list[str]) -> dict[str, dict[str, list]]:
    """system name -> language -> predictions, for the modes ``config.translate`` asks for."""
    settings: TranslateSettings = config.translate
    if settings.augment_train or not settings.enabled:
        return {}
    check_supported(task, settings, source_languages)
    systems: dict[str, dict[str, list]] = {}
    if settings.test:
        systems["translate-test"] = translate_test_predictions(task, model, tokenizer, config.model, test, settings,
                                                               source_languages, run.root / "translate-test")
    if settings.train:
        systems["translate-train"] = translate_train_predictions(config, run)
    return systems


def mode_rows(results: dict) -> dict[str, dict[str, float]]:
    """Matrix rows for the zero-shot model and each translation mode: row -> test language -> primary score."""
    metric = results["primary_metric"]
    systems = results["systems"]
    if not any(mode in systems for mode in MODES):
        return {}
    rows = {f"{'+'.join(results['source_languages'])} (zero-shot)": {
        lang: row[metric] for lang, row in systems["xlt"]["languages"].items()}}
    for mode in MODES:
        if mode in systems:
            rows[mode] = {lang: row[metric] for lang, row in systems[mode]["languages"].items()}
    return rows
