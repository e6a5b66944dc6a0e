"""Evaluation: metrics, bootstrap intervals, scoring the language matrix, baselines and the report.

>>> preds = {"xlt": {"en": (["a", "b"], ["a", "b"]), "de": (["a", "b"], ["b", "b"])}}
>>> score_systems(preds, ["en"], n_resamples=50)["systems"]["xlt"]["target_mean"]
0.5
"""

from xlt.evaluate.bootstrap import bootstrap_interval
from xlt.evaluate.metrics import METRICS, get_metric
from xlt.evaluate.report import render_table, rich_table, write_report
from xlt.evaluate.scores import score_systems

__all__ = ["METRICS", "bootstrap_interval", "get_metric", "render_table", "rich_table", "score_systems",
           "write_report"]
