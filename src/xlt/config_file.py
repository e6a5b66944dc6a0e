"""What every xlt YAML config shares: read the file, apply ``--set a.b=value`` overrides, validate with
one error line per bad field, write back as YAML (train, pretrain and tune configs).

>>> apply_overrides({"training": {"epochs": 4}}, ["training.epochs=2", "model.prefix=query: "])
{'training': {'epochs': 2}, 'model': {'prefix': 'query: '}}
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from xlt.errors import ConfigError

C = TypeVar("C", bound="YamlConfig")


def read_yaml(path: str | Path, *, what: str = "config file", example: str = "key: value") -> dict[str, Any]:
    """The mapping in a YAML file, or a :class:`ConfigError` naming the file (``what`` it is, an ``example`` line)."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: {what} not found") from None
    except yaml.YAMLError as err:
        raise ConfigError(f"{path}: not valid YAML: {err}") from None
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: cannot read the {what}: {err}") from None
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: a {what} holds a mapping ({example}), not {type(raw).__name__}")
    return raw


def apply_overrides(raw: dict[str, Any], overrides: list[str]) -> dict[str, Any]:
    """Apply ``a.b.c=value`` strings; values are parsed as YAML (numbers, lists, booleans)."""
    for item in overrides:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ConfigError(f"--set {item!r}: expected KEY=VALUE, e.g. training.epochs=2")
        node = raw
        parts = key.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ConfigError(f"--set {item!r}: {part!r} is not a section")
        node[parts[-1]] = _parse_value(value)
    return raw


def _parse_value(value: str):
    """YAML scalars and ``[...]``/``{...}`` collections; any other text stays text (``prefix=query: ``)."""
    if value == "":
        return ""
    try:
        parsed = yaml.safe_load(value)
    except yaml.YAMLError:
        return value
    if isinstance(parsed, dict) and not value.lstrip().startswith("{"):
        return value
    return parsed


class YamlConfig(BaseModel):
    """A pydantic config that round-trips through YAML and ``--set`` overrides.

    Subclasses declare ``name`` and ``output_dir`` themselves (field order is the YAML's order).
    """

    #: how validation errors name this kind of config ("invalid <kind>:")
    kind: ClassVar[str] = "configuration"

    @property
    def run_dir(self) -> Path:
        return Path(self.output_dir) / self.name  # type: ignore[attr-defined]

    @classmethod
    def from_yaml(cls: type[C], path: str | Path, overrides: list[str] | None = None) -> C:
        return cls.validated(apply_overrides(read_yaml(path), overrides or []), source=str(path))

    @classmethod
    def validated(cls: type[C], raw: dict[str, Any], source: str = "config") -> C:
        try:
            return cls.model_validate(raw)
        except ValidationError as err:
            lines = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in err.errors()]
            raise ConfigError(f"{source}: invalid {cls.kind}:\n  " + "\n  ".join(lines)) from err

    def with_overrides(self: C, overrides: list[str]) -> C:
        return self.validated(apply_overrides(self.model_dump(mode="json"), overrides))

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.model_dump(mode="json"), sort_keys=False, allow_unicode=True)
