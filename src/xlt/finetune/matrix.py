"""The train-language x test-language matrix: one model per source language beside the joint one.

With several source languages, ``evaluation.matrix: true`` trains, after the joint model, one
model on each source language alone (same recipe, no baselines) into ``<run>/matrix/<lang>/``, and
adds the heatmap to the joint run's report. Rows are train languages (and the joint ``a+b`` row),
columns are test languages, cells the primary metric.
"""

from __future__ import annotations

import logging

from xlt.evaluate.report import write_report
from xlt.io import write_json

log = logging.getLogger("xlt")


def primary_scores(results: dict) -> dict[str, float]:
    metric = results["primary_metric"]
    return {lang: row[metric] for lang, row in results["systems"]["xlt"]["languages"].items()}


def add_language_matrix(config, run, results: dict, run_info: dict) -> dict[str, dict[str, float]]:
    from xlt.finetune.train import train  # train() runs this step: a cycle, resolved at call time

    sources = sorted(set(results["source_languages"]))
    matrix: dict[str, dict[str, float]] = {}
    for lang in sources:
        log.info("language matrix: training on %s alone", lang)
        single = config.with_overrides([
            f"name={lang}", f"output_dir={run.root / 'matrix'}", f"data.source_languages=[{lang}]",
            "data.dev_languages=null", "training.select_on_target=false", "evaluation.matrix=false",
            "evaluation.baselines=[]",
        ])
        matrix[lang] = primary_scores(train(single, overwrite=True).results)
    matrix["+".join(sources)] = primary_scores(results)
    write_json(run.root / "matrix.json", matrix)
    write_report(results, run_info, run.root, matrix=matrix, extra_tables=results.get("tables"))
    return matrix
