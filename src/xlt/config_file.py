"""What every xlt YAML config shares: read the file, apply ``--set a.b=value`` overrides, validate with
one error line per bad field, write back as YAML (train, pretrain and tune configs).

>>> apply_overrides({"training": {"epochs": 4}}, ["training.epochs=2", "model.prefix=query: "])
{'training': {'epochs': 2}, 'model': {'prefix': 'query: '}}

A validation error names the file, the line of the bad field in it (or the ``--set`` that gave the
value) and the field as a plain dotted path, one line per bad field::

    train.yaml:7: training.batch_size: Input should be greater than or equal to 1
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, ClassVar, TypeVar

import yaml
from pydantic import AfterValidator, BaseModel, Field, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

from xlt.errors import ConfigError


def _whole_steps(value: float) -> float:
    if value >= 1 and value != int(value):
        raise ValueError(f"a fraction of the steps (below 1) or a whole number of steps, not {value}")
    return value


#: ``warmup:`` of a training section: a fraction of the steps (below 1) or a whole number of steps
Warmup = Annotated[float, Field(ge=0), AfterValidator(_whole_steps)]

C = TypeVar("C", bound="YamlConfig")


def read_yaml(path: str | Path, *, what: str = "config file", example: str = "key: value") -> dict[str, Any]:
    """The mapping in a YAML file, or a :class:`ConfigError` naming the file (``what`` it is, an ``example`` line)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{path}: {what} not found") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder, not a {what}") from None
    except OSError as err:
        raise ConfigError(f"{path}: cannot read the {what}: {err.strerror or err}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise ConfigError(f"{path}:{line}: not UTF-8: byte 0x{data[err.start]:02x}; save the {what} as UTF-8"
                          ) from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark, problem = getattr(err, "problem_mark", None), getattr(err, "problem", None)
        if mark is not None and problem:
            context, context_mark = getattr(err, "context", None), getattr(err, "context_mark", None)
            started = f" ({context} on line {context_mark.line + 1})" if context and context_mark else ""
            raise ConfigError(f"{path}:{mark.line + 1}: not valid YAML: {problem}{started}") from None
        raise ConfigError(f"{path}: not valid YAML: {' '.join(str(err).split())}") from None
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


Location = tuple[str | int, ...]

#: pydantic's names for the members of a union in an error location (``str``, ``dict[str,any]``,
#: ``function-after[_check(), DataSpec]``, a class name): not fields of the input, left out of messages
_TYPE_TAGS = frozenset({"str", "int", "float", "bool", "none", "bytes", "dict", "list", "set", "tuple"})
_MESSAGE_PREFIXES = ("Value error, ", "Assertion failed, ")


def _is_tag(part: str | int, node: Any) -> bool:
    if not isinstance(part, str) or (isinstance(node, Mapping) and part in node):
        return False
    return "[" in part or part in _TYPE_TAGS or part[:1].isupper()


def _child(node: Any, part: str | int) -> Any:
    if isinstance(node, Mapping):
        return node.get(part)
    if isinstance(node, Sequence) and not isinstance(node, str) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return None


def _is_type_error(kind: str) -> bool:
    return kind.endswith("_type") or kind in ("is_instance_of", "is_subclass_of", "union_tag_invalid")


def validation_problems(err: ValidationError, raw: Any = None) -> list[tuple[Location, str]]:
    """``(location, message)`` per bad field, in plain terms: union members' type tags dropped from the
    location (``data.train.format``, not ``data.train.function-after[...].format``), of a union only the
    members that fit the input's shape reported (a mapping given where a spec or a list of specs may
    stand: the spec's errors, not "Input should be a valid list"), pydantic's "Value error, " prefix gone.

    >>> from pydantic import BaseModel
    >>> class M(BaseModel):
    ...     x: str | list[str]
    >>> try:
    ...     M.model_validate({"x": 5})
    ... except ValidationError as e:
    ...     validation_problems(e, {"x": 5})
    [(('x',), 'Input should be a valid string or a valid list')]
    """
    entries = []
    for e in err.errors(include_url=False):
        node, loc, union_at, branch = raw, [], None, None
        for part in e["loc"]:
            if _is_tag(part, node):
                if union_at is None:
                    union_at, branch = len(loc), str(part)
                continue
            loc.append(part)
            node = _child(node, part)
        message = e["msg"]
        for prefix in _MESSAGE_PREFIXES:
            message = message.removeprefix(prefix)
        entries.append({"loc": tuple(loc), "msg": message, "at": union_at, "branch": branch, "type": e["type"]})

    unions: dict[Location, dict[str, list[dict]]] = {}
    for entry in entries:
        if entry["at"] is not None:
            unions.setdefault(entry["loc"][:entry["at"]], {}).setdefault(entry["branch"], []).append(entry)
    for where, branches in unions.items():
        def mismatch(found: list[dict], where: Location = where) -> bool:
            return all(e["loc"] == where and _is_type_error(e["type"]) for e in found)

        fitting = [name for name, found in branches.items() if not mismatch(found)]
        if fitting:
            for name, found in branches.items():
                if name not in fitting:
                    for e in found:
                        e["drop"] = True
            continue
        found = [e for name in branches for e in branches[name]]  # no member fits: one line saying what would
        found[0]["msg"] = " or ".join([found[0]["msg"], *(e["msg"].removeprefix("Input should be ")
                                                           for e in found[1:])])
        for e in found[1:]:
            e["drop"] = True

    problems: list[tuple[Location, str]] = []
    for entry in entries:
        problem = (entry["loc"], entry["msg"])
        if not entry.get("drop") and problem not in problems:
            problems.append(problem)
    return problems


def describe_validation_error(err: ValidationError, raw: Any = None, *, source: str | None = None,
                              prefix: Location = (), lines: Mapping[tuple[str, ...], int] | None = None,
                              overrides: Sequence[str] = (), kind: str | None = None) -> str:
    """One line per bad field: ``SOURCE:LINE: dotted.field: message``.

    ``raw`` is the validated input; ``prefix`` goes before every location (a section validated on its
    own); a problem of the whole config (no field) reads ``SOURCE: invalid KIND: message`` where ``kind``
    is given; ``lines`` maps key paths of the YAML file to their 1-based lines (:func:`yaml_key_lines`);
    a field whose value came from one of ``overrides`` (``--set KEY=VALUE``) names that instead of a line.

    >>> from pydantic import BaseModel, Field
    >>> class M(BaseModel):
    ...     batch_size: int = Field(ge=1)
    >>> try:
    ...     M.model_validate({"batch_size": 0})
    ... except ValidationError as e:
    ...     print(describe_validation_error(e, source="c.yaml", prefix=("training",),
    ...                                     lines={("training", "batch_size"): 3}))
    c.yaml:3: training.batch_size: Input should be greater than or equal to 1
    """
    set_keys = [(tuple(item.partition("=")[0].split(".")), item) for item in overrides]
    out = []
    for loc, message in validation_problems(err, raw):
        path = tuple(str(p) for p in (*prefix, *loc))
        where = source or ""
        given = [item for key, item in set_keys
                 if path and (key[:len(path)] == path or path[:len(key)] == key)]
        if given:
            message += f" (from --set {given[-1]})"
        elif lines and source:
            line = next((lines[path[:n]] for n in range(len(path), 0, -1) if path[:n] in lines), None)
            if line is not None:
                where += f":{line}"
        parts = [p for p in (where, ".".join(path) or (f"invalid {kind}" if kind else "")) if p]
        out.append(": ".join([*parts, message]))
    return "\n".join(out)


def yaml_key_lines(path: str | Path) -> dict[tuple[str, ...], int]:
    """Key path (``("training", "batch_size")``, list items by index) -> its 1-based line in the YAML
    file; empty when the file cannot be read.

    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "c.yaml"
    >>> _ = p.write_text("name: x\\ntraining:\\n  batch_size: 0\\ntest: [a, b]\\n", encoding="utf-8")
    >>> lines = yaml_key_lines(p)
    >>> lines[("training", "batch_size")], lines[("test", "1")]
    (3, 4)
    """
    try:
        root = yaml.compose(Path(path).read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    found: dict[tuple[str, ...], int] = {}

    def walk(node: yaml.Node | None, at: tuple[str, ...]) -> None:
        if len(at) > 32:  # an alias loop
            return
        if isinstance(node, yaml.MappingNode):
            children = [(str(key.value), key, value) for key, value in node.value]
        elif isinstance(node, yaml.SequenceNode):
            children = [(str(i), value, value) for i, value in enumerate(node.value)]
        else:
            return
        for name, marked, value in children:
            found.setdefault((*at, name), marked.start_mark.line + 1)
            walk(value, (*at, name))

    walk(root, ())
    return found


def field_error(title: str, loc: Location, message: str, value: Any) -> ValidationError:
    """A validation error at ``loc`` saying ``message``. Raised in a validator, pydantic reports it under
    the validator's own location: in the validator of ``strategy``, ``("name",)`` becomes ``strategy.name``.

    >>> field_error("Spec", ("format",), "give a format", {}).errors()[0]["loc"]
    ('format',)
    """
    return ValidationError.from_exception_data(
        title, [InitErrorDetails(type=PydanticCustomError("value_error", message), loc=loc, input=value)])


def changed_keys(before: Mapping[str, Any], after: Mapping[str, Any], *, ignore: Sequence[str] = (),
                 at: str = "") -> dict[str, tuple[Any, Any]]:
    """Dotted key -> ``(before, after)`` for every value that differs between two dumped configs (a key that
    only one side has is ``None`` on the other), except the keys and sections in ``ignore``.

    >>> changed_keys({"a": 1, "b": {"c": 2, "d": [1]}}, {"a": 1, "b": {"c": 3, "d": [1]}})
    {'b.c': (2, 3)}
    >>> changed_keys({"a": 1, "b": {"c": 2}}, {"a": 2, "b": {"c": 3}}, ignore=["b"])
    {'a': (1, 2)}
    """
    changed: dict[str, tuple[Any, Any]] = {}
    for key in [*before, *(k for k in after if k not in before)]:
        old, new, dotted = before.get(key), after.get(key), f"{at}{key}"
        if dotted in ignore:
            continue
        if isinstance(old, Mapping) and isinstance(new, Mapping):
            changed.update(changed_keys(old, new, ignore=ignore, at=f"{dotted}."))
        elif old != new:
            changed[dotted] = (old, new)
    return changed


class YamlConfig(BaseModel):
    """A pydantic config that round-trips through YAML and ``--set`` overrides.

    Subclasses declare ``name`` and ``output_dir`` themselves (field order is the YAML's order).
    """

    #: how a validation error of the whole config (not of one field) names it ("invalid <kind>: ...")
    kind: ClassVar[str] = "configuration"
    #: dotted keys (or sections) that ``--resume`` may change: how long to train and what is scored after,
    #: never what the weights trained so far came from
    resume_may_change: ClassVar[tuple[str, ...]] = ()

    @property
    def run_dir(self) -> Path:
        return Path(self.output_dir) / self.name  # type: ignore[attr-defined]

    @classmethod
    def from_yaml(cls: type[C], path: str | Path, overrides: list[str] | None = None) -> C:
        raw = apply_overrides(read_yaml(path), overrides or [])
        return cls.validated(raw, source=str(path), lines=yaml_key_lines(path), overrides=overrides or ())

    @classmethod
    def validated(cls: type[C], raw: dict[str, Any], source: str = "config", *,
                  lines: Mapping[tuple[str, ...], int] | None = None, overrides: Sequence[str] = ()) -> C:
        """``raw`` validated, or a :class:`ConfigError` with one line per bad field (see
        :func:`describe_validation_error`; ``lines`` and ``overrides`` say where values came from)."""
        try:
            return cls.model_validate(raw)
        except ValidationError as err:
            raise ConfigError(describe_validation_error(err, raw, source=source, lines=lines,
                                                        overrides=overrides, kind=cls.kind)) from err

    def with_overrides(self: C, overrides: list[str]) -> C:
        return self.validated(apply_overrides(self.model_dump(mode="json"), overrides), overrides=overrides)

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.model_dump(mode="json"), sort_keys=False, allow_unicode=True)

    def check_resumes(self, stored: str | Path) -> None:
        """Fail unless ``stored``, the config.yaml of the run to resume, holds this config (defaults filled in on
        both sides) up to :attr:`resume_may_change`: a resumed run goes on training what it started, and the
        config.yaml it rewrites stays true."""
        may_change = ("name", "output_dir", *self.resume_may_change)  # where the run lives: a folder may be moved
        changed = changed_keys(type(self).from_yaml(stored).model_dump(mode="json"), self.model_dump(mode="json"),
                               ignore=may_change)
        if changed:
            shown = "; ".join(f"{key}: {old!r} there, {new!r} now" for key, (old, new) in list(changed.items())[:5])
            more = f" (and {len(changed) - 5} more)" if len(changed) > 5 else ""
            raise ConfigError(f"--resume: {stored} was started with another config: {shown}{more}. Resume with "
                              f"the run's own config ({stored} --resume), or start a new run (--set name=...)")
