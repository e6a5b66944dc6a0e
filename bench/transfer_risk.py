"""Transfer risk from texts alone against the scores of finished runs, without training anything.

Reads a config's data (``demo``: the demo's built-in emoji-groups with English as the source; or a YAML config
such as examples/sib200.yaml), measures every test language's transfer risk with the config's tokenizer
(``xlt.finetune.config_risk``: the numbers ``xlt train`` writes to ``transfer_risk.json``), and, given a finished
run's ``metrics.json``, prints the Spearman correlation between risk score and xlt's primary score over the
target languages and how many of the ``k`` lowest-scoring targets are among the ``k`` flagged ones.

    python bench/transfer_risk.py demo --scores runs/demo-emoji-groups/metrics.json
    python bench/transfer_risk.py examples/sib200.yaml --scores ../runs-head/sib200-mean/metrics.json
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from scipy.stats import hypergeom

from xlt.evaluate.transfer_risk import DEFAULT_SAMPLE, target_scores
from xlt.finetune.config import TrainConfig
from xlt.finetune.config_risk import config_risk

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("config", help="'demo' or a training config YAML")
    parser.add_argument("--scores", type=Path, help="a finished run's metrics.json on the same data")
    parser.add_argument("--sample", type=int, default=DEFAULT_SAMPLE)
    parser.add_argument("--output", type=Path, help="also write the TransferRisk JSON here")
    args = parser.parse_args()

    if args.config == "demo":
        from xlt.cli.demo import demo_config

        config = demo_config()
    else:
        config = TrainConfig.from_yaml(args.config)
    started = time.perf_counter()
    risk = config_risk(config, sample=args.sample)
    seconds = time.perf_counter() - started
    results = json.loads(args.scores.read_text("utf-8")) if args.scores else None
    if results is not None:
        risk = risk.with_scores(target_scores(results), metric=results["primary_metric"])

    scored = risk.agreement.scores if risk.agreement else {}
    print(f"{config.name}: {risk.tokenizer}, {len(risk.languages)} test languages, {seconds:.1f} s (data load, "
          "tokenizer load and measuring)\n")
    print("| language | texts | pieces/word | ratio to source | unk % | novel-script % | risk score | flag | "
          "xlt score |")
    print("|---|---:|---:|---:|---:|---:|---:|---|---:|")
    for (label, r), lang in zip(risk.rows(), [None, *risk.languages], strict=True):  # the source texts first
        score = f"{100 * scored[lang]:.1f}" if lang in scored else ""
        print(f"| {label} | {r.texts:,} | {r.pieces_per_word:.2f} | {r.ratio_to_source:.2f} | {100 * r.unk_rate:.2f} "
              f"| {100 * r.novel_script_share:.1f} | {r.risk_score:.2f} | {'yes' if r.flagged else 'no'} | {score} |")
    print()
    if risk.agreement is not None:
        a = risk.agreement
        print(f"Spearman rho (risk score vs xlt {a.metric}, {len(a.scores)} targets): "
              f"{'undefined' if a.spearman is None else f'{a.spearman:+.3f} (p = {a.p_value:.3g})'}")
        n, k = len(a.scores), len(a.flagged)
        chance = hypergeom.sf(a.flagged_among_lowest - 1, n, k, k) if 0 < k < n else float("nan")
        print(f"flagged: {a.flagged or 'none'}; the {k} lowest-scoring: {a.lowest}; flagged among them: "
              f"{a.flagged_among_lowest} (a random flag of {k} of {n} would average {k * k / max(n, 1):.2f}; "
              f"P(at least {a.flagged_among_lowest} by chance) = {chance:.3g})")
        print(a.sentence())
    if args.output:
        args.output.write_text(risk.model_dump_json(indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
