"""Evaluation: metrics, bootstrap intervals, scoring the language matrix, baselines and the report.

>>> preds = {"xlt": {"en": (["a", "b"], ["a", "b"]), "de": (["a", "b"], ["b", "b"])}}
>>> score_systems(preds, ["en"], n_resamples=50)["systems"]["xlt"]["target_mean"]
0.5
"""

from xlt.evaluate.bootstrap import bootstrap_interval
from xlt.evaluate.metrics import METRICS, describe_metric, get_metric, mlqa_metrics
from xlt.evaluate.report import render_table, rich_table, write_report
from xlt.evaluate.scores import score_systems
from xlt.evaluate.tagging_metrics import entity_type_f1, entity_type_table

__all__ = ["METRICS", "bootstrap_interval", "describe_metric", "entity_type_f1", "entity_type_table", "get_metric",
           "mlqa_metrics", "render_table", "rich_table", "score_systems", "write_report"]
