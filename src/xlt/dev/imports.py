"""The import graph between xlt's packages: ``python -m xlt.dev.imports [SRC]``.

Prints every package -> package edge with its number of import statements, flags any pair that imports
each other, and the share of internal imports made inside functions (and where). Exits 1 on a two-way
pair, so it can guard the layering in CI.

>>> edges, inside, total = import_graph(Path(__file__).resolve().parents[1])
>>> [pair for pair in edges if pair[::-1] in edges]
[]
>>> 0 < total and inside <= total
True
"""

from __future__ import annotations

import ast
import sys
from collections import Counter
from pathlib import Path

ROOT = "(root)"  # modules directly under xlt/: errors, io, interrupt, ...


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
    for (source, dest), count in sorted(edges.items()):
        flag = "   <-> TWO-WAY" if (dest, source) in edges else ""
        print(f"{source:>10} -> {dest:<10} {count:4d}{flag}")
    share = sum(inside.values()) / max(total, 1)
    print(f"\n{total} internal imports, {sum(inside.values())} inside functions ({share:.0%}): "
          + ", ".join(f"{pkg} {n}" for pkg, n in inside.most_common() if n))
    print(f"two-way pairs: {', '.join(' <-> '.join(p) for p in two_way) if two_way else 'none'}")
    return 1 if two_way else 0


if __name__ == "__main__":
    raise SystemExit(main())
