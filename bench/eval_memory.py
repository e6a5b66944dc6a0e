"""Peak memory of ``xlt evaluate``: retrieval on a few and on more languages, and a saved classifier.

Each case runs ``python -m xlt.cli.main evaluate ...`` in a child process (the xlt that this interpreter
imports, so ``PYTHONPATH`` picks the source tree) and reports the child's peak resident set size
(``ru_maxrss`` from ``os.wait4``) and wall time, as a markdown table under the CPU model, followed by
the exact commands. Outputs go to ``--out`` (default: a temporary folder).

- retrieval: ``--task retrieval`` of ``--model`` (default ``builtin:multilingual-e5-small``) on Tatoeba
  (``$XLT_DATA/tatoeba``), for ``--few`` languages and for ``--many`` (default: every language there);
- classification: the first run folder under ``runs/`` with a saved model (``make demo`` writes one), or
  ``--saved``, on ``--saved-data`` (default: the run's own test or pool data); skipped with a message
  when there is none.

    XLT_DATA=/path/to/data PYTHONPATH=src python bench/eval_memory.py [--few deu fra] [--many deu fra spa]
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

CLI = [sys.executable, "-m", "xlt.cli.main", "evaluate"]


def cpu_model() -> str:
    """The ``model name`` line of /proc/cpuinfo and the number of CPUs."""
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
        name = next(line.split(":", 1)[1].strip() for line in lines if line.startswith("model name"))
    except (OSError, StopIteration):
        name = "unknown CPU"
    return f"{name} ({os.cpu_count()} CPUs)"


def peak_rss(command: list[str]) -> tuple[float, float, int]:
    """Run ``command``; return the child's peak RSS in MiB, its wall time in seconds and its exit status."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert child.stderr is not None
    err = child.stderr.read()  # read before waiting, so a full pipe cannot block the child
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        print(f"exit {child.returncode}: {shlex.join(command)}\n{err[-2000:]}", file=sys.stderr)
    return usage.ru_maxrss / 1024, time.perf_counter() - start, child.returncode  # ru_maxrss is in KiB on Linux


def tatoeba_languages(data_root: Path) -> list[str]:
    return sorted(p.name.split(".")[1].split("-")[0] for p in (data_root / "tatoeba").glob("tatoeba.*-eng.eng"))


def saved_run(runs: Path) -> Path | None:
    """The first folder under ``runs`` that holds a config and a saved model."""
    found = sorted(p for p in runs.glob("*") if (p / "config.yaml").is_file() and (p / "model").is_dir())
    return found[0] if found else None


def run_data(run: Path) -> str | None:
    """The run's test data spec (else its pool), as a ``--data`` string; ``None`` when it is not one spec."""
    import yaml

    data: dict[str, Any] = (yaml.safe_load((run / "config.yaml").read_text()) or {}).get("data") or {}
    spec = data.get("test") or data.get("pool")
    if isinstance(spec, str):
        return spec
    if isinstance(spec, dict) and spec.get("format"):
        return f"{spec['format']}:{spec['path']}" if spec.get("path") else spec["format"]
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="builtin:multilingual-e5-small", help="retrieval model")
    parser.add_argument("--few", nargs="+", default=None, help="retrieval languages of the small case "
                                                                "(default: the first two there are)")
    parser.add_argument("--many", nargs="+", default=None, help="retrieval languages of the large case "
                                                                 "(default: all there are)")
    parser.add_argument("--saved", type=Path, default=None, help="run or model folder to evaluate "
                                                                  "(default: the first run under runs/)")
    parser.add_argument("--saved-data", default=None, help="--data of the saved model (default: the run's own)")
    parser.add_argument("--no-saved", action="store_true", help="retrieval only")
    parser.add_argument("--no-retrieval", action="store_true", help="the saved model only")
    parser.add_argument("--out", type=Path, default=None, help="where the evaluations write (default: a new "
                                                                "temporary folder), e.g. to diff metrics.json")
    args = parser.parse_args()

    data_root = Path(os.environ.get("XLT_DATA", "data"))
    available = tatoeba_languages(data_root)
    if not available:
        raise SystemExit(f"no Tatoeba files under {data_root / 'tatoeba'}: set XLT_DATA")
    few, many = args.few or available[:2], args.many or available
    import xlt

    out = args.out or Path(tempfile.mkdtemp(prefix="xlt-eval-memory-"))
    cases: list[tuple[str, list[str], list[str]]] = []
    for name, langs in () if args.no_retrieval else (("retrieval", few), ("retrieval", many)):
        flags = [f for lang in langs for f in ("-l", lang)]
        cases.append((name, langs, [*CLI, args.model, "--task", "retrieval", "--data", "tatoeba", *flags,
                                    "-o", str(out / f"retrieval-{len(langs)}")]))
    saved = args.saved or saved_run(Path("runs"))
    saved_data = args.saved_data or (run_data(saved) if saved and (saved / "config.yaml").is_file() else None)
    if args.no_saved:
        pass
    elif saved is None:
        print("classification: skipped, no run folder with a saved model under runs/ (make demo, or --saved)")
    elif saved_data is None:
        print(f"classification: skipped, cannot tell the data of {saved}; pass --saved-data")
    else:
        cases.append((f"saved model {saved}", [], [*CLI, str(saved), "--data", saved_data,
                                                      "-o", str(out / "saved")]))

    rows = []
    for name, langs, command in cases:
        rss, wall, code = peak_rss(command)
        rows.append((name, langs, rss, wall, code, command))
        print(f"{name} {' '.join(langs)}: {rss:.0f} MiB, {wall:.0f} s, exit {code}", file=sys.stderr)

    print(f"\nCPU: {cpu_model()}  \nxlt: {Path(xlt.__file__).parent}  \nXLT_DATA: {data_root}  \n"
          f"outputs: {out}\n")
    print("| case | languages | peak RSS (MiB) | wall (s) | exit |")
    print("|---|---|---:|---:|---:|")
    for name, langs, rss, wall, code, _ in rows:
        shown = f"{len(langs)}: {' '.join(langs)}" if langs else "its --data"
        print(f"| {name} | {shown} | {rss:.0f} | {wall:.0f} | {code} |")
    print("\nCommands:\n")
    for _, _, _, _, _, command in rows:
        print(f"    {shlex.join(command)}")


if __name__ == "__main__":
    main()
