"""Tagging and QA through ``xlt predict`` give what ``xlt evaluate`` predicts, on the shared PUD and XQuAD text.

Trains two short runs on the built-in model (``--steps`` optimisation steps each: the point is the same
predictions by two paths, not the quality), evaluates each on one target language with ``xlt evaluate``
(``predictions/<lang>.jsonl``), feeds the same inputs - PUD sentences as word lists and as raw text, XQuAD
questions with their contexts - through ``xlt predict``, and counts the rows that differ. QA answers are also
checked against their character offsets.

    .venv/bin/python bench/predict_tasks.py [--steps 60 --lang de] [--tasks tagging qa]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from xlt.evaluate.machine import cpu_line

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def xlt(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "xlt.cli.main", *args], check=True, stdout=subprocess.DEVNULL)


def jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def write_jsonl(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--lang", default="de", help="the target language evaluated and predicted")
    parser.add_argument("--tasks", nargs="+", choices=("tagging", "qa"), default=["tagging", "qa"])
    parser.add_argument("--out", type=Path, default=HERE / "results" / "predict_tasks.json")
    args = parser.parse_args()
    data = Path(os.environ.get("XLT_DATA", ROOT.parent / "shared" / "data"))
    work = Path(tempfile.mkdtemp(prefix="xlt-predict-tasks-"))
    results: dict = {"cpu": cpu_line(), "steps": args.steps, "lang": args.lang}
    print(f"CPU: {results['cpu']}", flush=True)
    common = ["--set", f"training.max_steps={args.steps}", "--set", "evaluation.baselines=[]",
              "--set", f"output_dir={work}"]

    if "tagging" in args.tasks:
        tagging(args, data, work, common, results)
    if "qa" in args.tasks:
        qa(args, data, work, common, results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {args.out}")


def tagging(args, data: Path, work: Path, common: list[str], results: dict) -> None:
    """NER trained on UNER English, PUD sentences of the target language as word lists and as raw text."""
    start = time.perf_counter()
    pud = str(data / "uner" / f"{args.lang}_pud-ud-test.iob2")
    xlt("train", str(ROOT / "examples" / "ner_uner.yaml"), *common, "--set", "name=ner",
        "--set", f"data.test=[{{format: iob2, path: {pud}, languages: [{args.lang}]}}]")
    evaluated = jsonl(work / "ner" / "predictions" / f"{args.lang}.jsonl")
    write_jsonl(work / "words.jsonl", [{"id": r["id"], "tokens": r["tokens"]} for r in evaluated])
    write_jsonl(work / "text.jsonl", [{"id": r["id"], "text": " ".join(r["tokens"])} for r in evaluated])
    for name in ("words", "text"):
        xlt("predict", str(work / "ner"), "-i", str(work / f"{name}.jsonl"), "-o", str(work / f"ner-{name}.out.jsonl"),
            "--no-progress")
        predicted = jsonl(work / f"ner-{name}.out.jsonl")
        differ = sum(a["prediction"] != b["tags"] or a["id"] != b["id"]
                     for a, b in zip(evaluated, predicted, strict=True))
        results[f"tagging_{name}"] = {"sentences": len(evaluated), "differ": differ}
        print(f"tagging ({name} in): {len(evaluated)} PUD sentences, {differ} differ", flush=True)
    results["tagging_seconds"] = time.perf_counter() - start



def qa(args, data: Path, work: Path, common: list[str], results: dict) -> None:
    """QA trained on TyDiQA-GoldP English training questions, XQuAD questions of the target language."""
    start = time.perf_counter()
    xquad = str(data / "xquad" / f"xquad.{args.lang}.json")
    xlt("train", str(ROOT / "examples" / "qa_xquad.yaml"), *common, "--set", "name=qa",
        "--set", f"data.test={{format: squad, path: {xquad}, languages: [{args.lang}]}}")
    evaluated = jsonl(work / "qa" / "predictions" / f"{args.lang}.jsonl")
    squad = json.loads(Path(xquad).read_text("utf-8"))
    context_of = {qa["id"]: (qa["question"], p["context"]) for a in squad["data"] for p in a["paragraphs"]
                  for qa in p["qas"]}
    write_jsonl(work / "questions.jsonl", [{"id": r["id"], "question": context_of[r["id"]][0],
                                            "context": context_of[r["id"]][1]} for r in evaluated])
    xlt("predict", str(work / "qa"), "-i", str(work / "questions.jsonl"), "-o", str(work / "qa.out.jsonl"),
        "--no-progress")
    predicted = jsonl(work / "qa.out.jsonl")
    differ = sum(a["prediction"] != b["answer"] or a["id"] != b["id"]
                 for a, b in zip(evaluated, predicted, strict=True))
    offsets = sum(b["context"][b["start"]:b["end"]] != b["answer"] for b in predicted)
    results["qa"] = {"questions": len(evaluated), "differ": differ, "offsets_wrong": offsets,
                     "seconds": time.perf_counter() - start}
    print(f"QA: {len(evaluated)} XQuAD questions, {differ} answers differ, {offsets} offsets wrong", flush=True)


if __name__ == "__main__":
    main()
