"""The import graph between xlt's packages: ``python -m xlt.dev.imports [SRC]``.

Prints every package -> package edge with its number of import statements, flags any pair that imports
each other and any import of a package from a lower layer (:data:`LAYERS`, docs/design.md), and the share of
internal imports made inside functions (and where). Exits 1 on either, so it guards the layering in CI.

>>> edges, inside, total = import_graph(Path(__file__).resolve().parents[1])
>>> [pair for pair in edges if pair[::-1] in edges], upward(edges)
([], [])
>>> 0 < sum(inside.values()) < total
True
"""

from __future__ import annotations

import ast
import sys
from collections import Counter
from pathlib import Path

ROOT = "(root)"  # modules directly under xlt/: errors, io, interrupt, ...
#: bottom to top: a package imports only packages below it (the five steps, with shared tools beside them)
LAYERS = (ROOT, "corpus", "model", "pretrain", "evaluate", "translate", "finetune", "deploy", "tune", "dev", "cli")


def upward(edges: Counter) -> list[tuple[str, str]]:
    """Edges from a package to one above it in :data:`LAYERS` (or to a package not in it)."""
    rank = {name: i for i, name in enumerate(LAYERS)}
    return sorted(pair for pair in edges if rank.get(pair[1], len(LAYERS)) > rank.get(pair[0], -1))


def _package(parts: tuple[str, ...], package_dir: Path) -> str:
    """``xlt.model.spec`` -> ``model``; ``xlt.errors`` -> ``(root)``."""
    return parts[1] if len(parts) > 1 and (package_dir / parts[1]).is_dir() else ROOT


def _internal_imports(tree: ast.Module, module: tuple[str, ...]):
    """(imported module parts, inside a function) for every ``xlt`` import of a module."""
    in_function = {id(node) for fn in ast.walk(tree) if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef)
                   for node in ast.walk(fn)}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            name = node.module or ""
            if node.level:  # relative: resolve against the importing module's package
                name = ".".join([*module[:-node.level], *([name] if name else [])])
            names = [name]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            if name == "xlt" or name.startswith("xlt."):
                yield tuple(name.split(".")), id(node) in in_function


def import_graph(package_dir: Path) -> tuple[Counter, Counter, int]:
    """(edges (from, to) -> count, imports inside functions per package, all internal imports)."""
    edges: Counter = Counter()
    inside: Counter = Counter()
    total = 0
    for path in sorted(package_dir.rglob("*.py")):
        module = ("xlt", *path.relative_to(package_dir).with_suffix("").parts)
        source = _package(module, package_dir)
        for target, in_function in _internal_imports(ast.parse(path.read_text("utf-8")), module):
            total += 1
            inside[source] += in_function
            if (dest := _package(target, package_dir)) != source:
                edges[(source, dest)] += 1
    return edges, inside, total


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    package_dir = Path(argv[0]) / "xlt" if argv else Path(__file__).resolve().parents[1]
    edges, inside, total = import_graph(package_dir)
    two_way = sorted({tuple(sorted(pair)) for pair in edges if pair[::-1] in edges})
    up = upward(edges)
    for (source, dest), count in sorted(edges.items(), key=lambda e: (LAYERS.index(e[0][0]), e[0][1])):
        flag = "   <-> TWO-WAY" if (dest, source) in edges else "   UPWARD" if (source, dest) in up else ""
        print(f"{source:>10} -> {dest:<10} {count:4d}{flag}")
    share = sum(inside.values()) / max(total, 1)
    print(f"\n{total} internal imports, {sum(inside.values())} inside functions ({share:.0%}): "
          + ", ".join(f"{pkg} {n}" for pkg, n in inside.most_common() if n))
    print(f"two-way pairs: {', '.join(' <-> '.join(p) for p in two_way) if two_way else 'none'}; "
          f"imports of a higher layer: {', '.join(' -> '.join(p) for p in up) if up else 'none'}")
    return 1 if two_way or up else 0


if __name__ == "__main__":
    raise SystemExit(main())
