"""Load and validate the spec file, reporting every problem at once.

The file is read by the strict reader (``yamlfile``: size, encoding, depth, alias and
duplicate-key bounds). Its problems and the model's are reported together, each with
the field path, the line where the parser gave one, a "did you mean" for a misspelt
key, and any echoed value cut by ``shown``. A problem the model finds at a place the
reader already reported (a key that was not text, a huge integer) is left out: it would
only repeat it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..vocab.redact import is_secret_name
from .errors import FieldProblems, Problem, SpecError, shown
from .model import ServiceSpec
from .suggest import did_you_mean, keys_at
from .yamlfile import Document, read_document, read_yaml, render_path

__all__ = ["field_path", "load_spec", "parse_spec", "problems_from", "read_document", "read_yaml", "validate_model",
           "with_lines"]

# pydantic's messages for the cases a user meets most, in plainer words.
_MESSAGES = {
    "extra_forbidden": "unknown key",
    "missing": "required key is missing",
}
# Tags that pydantic puts in a location inside a tagged union (steps).
_STEP_TAGS = ("setWeight", "pause", "analysis", "setHeaderRoute", "setCanaryScale")
_HIDDEN_TAGS = ("refused-step",)

field_path = render_path


def _document_loc(loc: tuple[int | str, ...]) -> tuple[int | str, ...]:
    """Drop the union tags pydantic puts in a location (``steps[0].setWeight.setWeight``)."""
    out: list[int | str] = []
    for part in loc:
        if out and part == out[-1] and part in _STEP_TAGS:
            continue
        if isinstance(part, str) and (part.startswith("function-") or part in _HIDDEN_TAGS):
            continue
        out.append(part)
    return tuple(out)


def _with_prefix(prefix: str, path: str) -> str:
    if not prefix:
        return path
    joiner = "" if prefix.endswith(":") or not path else "."
    return f"{prefix}{joiner}{path}"


def _message(item: Any, loc: tuple[int | str, ...], model: type[BaseModel] | None) -> str:
    message = _MESSAGES.get(item["type"], item["msg"])
    message = message.removeprefix("Value error, ")
    if item["type"] == "extra_forbidden" and model is not None and loc:
        message += did_you_mean(str(loc[-1]), keys_at(model, loc[:-1]))
    shown_input = item.get("input")
    hidden = any(is_secret_name(part) for part in loc if isinstance(part, str))
    if item["type"] != "missing" and not hidden and not isinstance(shown_input, (dict, list)):
        text = shown(shown_input)
        if text not in message:
            message = f"{message} (got {text})"
    return message


def problems_from(error: ValidationError, file: str, prefix: str = "",
                  model: type[BaseModel] | None = None) -> list[Problem]:
    """One ``Problem`` per pydantic error (several for a ``FieldProblems``), with the
    user's field path and the file."""
    problems: list[Problem] = []
    for item in error.errors():
        loc = _document_loc(item["loc"])
        cause = (item.get("ctx") or {}).get("error")
        if isinstance(cause, FieldProblems):
            problems.extend(Problem(file, _with_prefix(prefix, field_path((*loc, *sub))), text)
                            for sub, text in cause.items)
            continue
        problems.append(Problem(file, _with_prefix(prefix, field_path(loc)), _message(item, loc, model)))
    return problems


def with_lines(problems: Sequence[Problem], line_of: Callable[[str], int | None]) -> list[Problem]:
    """``problems`` with the line of each path filled in where it is known."""
    out = []
    for p in problems:
        line = p.line if p.line is not None else line_of(p.path)
        out.append(Problem(p.file, p.path, p.message, line))
    return out


def validate_model(model: type[BaseModel], data: Any, file: str, prefix: str = "") -> Any:
    """Validate ``data`` as ``model`` or raise ``SpecError`` with every problem."""
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {type(data).__name__}"
        raise SpecError(Problem(file, prefix, f"must be a mapping of keys, but it is {kind}"))
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise SpecError(problems_from(exc, file, prefix, model)) from None


def _under(path: str, parents: Sequence[str]) -> bool:
    return any(path == p or path.startswith((p + ".", p + "[")) for p in parents)


def validate_document(model: type[BaseModel], document: Document, prefix: str = "") -> Any:
    """Validate a read document; its reader problems and the model's come together,
    ordered by line."""
    problems = list(document.problems)
    try:
        value = validate_model(model, document.data, document.file, prefix)
    except SpecError as exc:
        problems += [p for p in exc.problems if not _under(p.path, document.replaced)]
        value = None
    if problems:
        located = with_lines(problems, document.line_of)
        located.sort(key=lambda p: p.line if p.line is not None else 0)
        raise SpecError(located)
    return value


def load_spec(path: Path | str) -> ServiceSpec:
    """Load the spec at ``path``; raise ``SpecError`` listing every problem."""
    spec: ServiceSpec = validate_document(ServiceSpec, read_document(path))
    return spec


def parse_spec(data: Any, file: str = "<spec>") -> ServiceSpec:
    """Validate already-parsed spec data (used by tests and generators)."""
    spec: ServiceSpec = validate_model(ServiceSpec, data, file)
    return spec

