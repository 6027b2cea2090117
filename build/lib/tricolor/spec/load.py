"""Load and validate the spec file, reporting every problem at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from .errors import Problem, SpecError, SpecFileError
from .model import ServiceSpec

# pydantic's messages for the cases a user meets most, in plainer words.
_MESSAGES = {
    "extra_forbidden": "unknown key",
    "missing": "required key is missing",
}


def field_path(loc: tuple[int | str, ...]) -> str:
    """``("release", "steps", 2, "setWeight")`` -> ``release.steps[2].setWeight``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


_STEP_TAGS = ("setWeight", "pause", "analysis")


def _document_loc(loc: tuple[int | str, ...]) -> tuple[int | str, ...]:
    """Drop the union tags pydantic puts in a location (``steps[0].setWeight.setWeight``)."""
    out: list[int | str] = []
    for part in loc:
        if out and part == out[-1] and part in _STEP_TAGS:
            continue
        if isinstance(part, str) and part.startswith("function-"):
            continue
        out.append(part)
    return tuple(out)


def problems_from(error: ValidationError, file: str, prefix: str = "") -> list[Problem]:
    """One ``Problem`` per pydantic error, with the user's field path and the file."""
    problems = []
    for item in error.errors():
        path = field_path(_document_loc(item["loc"]))
        if prefix:
            joiner = "" if prefix.endswith(":") or not path else "."
            path = f"{prefix}{joiner}{path}"
        message = _MESSAGES.get(item["type"], item["msg"])
        if message.startswith("Value error, "):
            message = message[len("Value error, "):]
        shown = item.get("input")
        if item["type"] != "missing" and not isinstance(shown, (dict, list)) and repr(shown) not in message:
            message = f"{message} (got {shown!r})"
        problems.append(Problem(file=file, path=path, message=message))
    return problems


def read_yaml(path: Path | str) -> Any:
    """Read a YAML file, or raise ``SpecFileError`` naming the file."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecFileError(Problem(str(file), "", "file does not exist")) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecFileError(Problem(str(file), "", f"cannot be read: {exc}")) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise SpecFileError(Problem(str(file), "", f"is not valid YAML: {where}{problem}")) from None


def validate_model(model: type[BaseModel], data: Any, file: str, prefix: str = "") -> Any:
    """Validate ``data`` as ``model`` or raise ``SpecError`` with every problem."""
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {type(data).__name__}"
        raise SpecError(Problem(file, prefix, f"must be a mapping of keys, but it is {kind}"))
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise SpecError(problems_from(exc, file, prefix)) from None


def load_spec(path: Path | str) -> ServiceSpec:
    """Load the spec at ``path``; raise ``SpecError`` listing every problem."""
    return validate_model(ServiceSpec, read_yaml(path), str(path))


def parse_spec(data: Any, file: str = "<spec>") -> ServiceSpec:
    """Validate already-parsed spec data (used by tests and generators)."""
    return validate_model(ServiceSpec, data, file)
