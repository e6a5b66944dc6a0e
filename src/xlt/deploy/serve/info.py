"""What the service says about its model: labels, variant, and the evaluated languages with their scores."""

from __future__ import annotations

import json
from pathlib import Path

from xlt.model.variant import read_variant


def _scores_file(model_dir: Path, run_root: Path | None) -> tuple[Path | None, str | None]:
    """The most specific evaluation of the served model: its variant table entry, else its run's metrics."""
    variant = read_variant(model_dir)
    if variant is not None:
        if model_dir.parent.name == "exports":
            own = model_dir.parent.parent / "variants" / model_dir.name / "metrics.json"
            if own.is_file():
                return own, f"xlt variants: this variant on the run's test split ({model_dir.name})"
            run_metrics = model_dir.parent.parent / "metrics.json"
            if run_metrics.is_file():
                return run_metrics, ("the run's own evaluation of the fp32 model this variant came from "
                                     "(run `xlt variants` for the variant's own scores)")
        return None, None
    if run_root is not None and (run_root / "metrics.json").is_file():
        return run_root / "metrics.json", "the run's own evaluation (metrics.json)"
    return None, None


def model_info(model_dir: Path, run_root: Path | None) -> dict:
    """Variant card, source languages, and ``language -> metric -> score`` from the best evaluation found."""
    variant = read_variant(model_dir)
    path, source = _scores_file(model_dir, run_root)
    languages: dict[str, dict[str, float]] = {}
    if path is not None:
        metrics = json.loads(path.read_text("utf-8"))
        names = metrics.get("metrics", [])
        for lang, scores in metrics["systems"]["xlt"]["languages"].items():
            languages[lang] = {m: scores[m] for m in names if isinstance(scores.get(m), int | float)}
    return {"variant": variant.model_dump(exclude={"source_model"}) if variant else None,
            "languages": languages, "scores_from": source}
