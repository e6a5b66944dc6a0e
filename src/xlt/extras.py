"""Optional parts of xlt and the packages they need: a missing one is named with the command that installs it.

``pip install xlt`` gives training, evaluation, prediction and the Python API; serving, ONNX export,
tuning, experiment tracking and prediction on a Ray cluster are extras (``pip install 'xlt[serve]'``,
``[export]``, ``[tune]``, ``[track]``, ``[distributed]``, or ``[all]``), so xlt fits into an environment
that already has its own torch and stack.

>>> require("core", "json")
>>> require("serve", "no_such_module_xyz")
Traceback (most recent call last):
...
xlt.errors.XltError: this needs the 'serve' extra (missing: no_such_module_xyz): pip install 'xlt[serve]'
"""

from __future__ import annotations

import importlib.util

from xlt.errors import XltError

#: extra -> the modules it brings (what pyproject.toml's optional dependencies install)
EXTRAS: dict[str, tuple[str, ...]] = {
    "serve": ("fastapi", "uvicorn", "httpx", "prometheus_client", "py3langid", "langcodes"),
    "export": ("onnx", "onnxruntime"),
    "tune": ("optuna", "sqlalchemy"),
    "track": ("tensorboard", "mlflow"),
    "distributed": ("ray",),
}


def missing(*modules: str) -> list[str]:
    """The modules of ``modules`` that are not installed (found without importing them)."""
    return [m for m in modules if importlib.util.find_spec(m) is None]


def require(extra: str, *modules: str) -> None:
    """Raise an error naming ``pip install 'xlt[extra]'`` unless ``modules`` (default: the extra's) import."""
    absent = missing(*(modules or EXTRAS[extra]))
    if absent:
        raise XltError(f"this needs the {extra!r} extra (missing: {', '.join(absent)}): pip install 'xlt[{extra}]'")
