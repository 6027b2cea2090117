"""Errors raised while loading and validating the shared spec.

Tree::

    TricolorError (tricolor.errors)
    └── SpecError                 the spec or a stack's configuration is invalid
        ├── SpecFileError         the spec file is missing, unreadable or not YAML
        └── NamingError           a name breaks the stack or Kubernetes naming rules

Each ``SpecError`` carries every problem found, each naming its field and file (and
its line when the YAML parser gave one), so a user fixes them all in one pass.

Values echoed in messages go through ``shown``: a repr cut to about 80 characters with
an ellipsis and the full length, so a 10 MB value is never printed whole, and control
characters are escaped (``repr``), never written raw to a terminal or a report.
``FieldProblems`` is the ``ValueError`` a validator raises to report several problems,
each under its own sub-path (``load.problems_from`` unpacks it).
"""

from __future__ import annotations

import reprlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import TricolorError

SHOWN_MAX = 80
_HUGE_INT_BITS = 256  # about 77 digits; larger integers are described, not printed


@dataclass(frozen=True)
class Problem:
    """One validation problem: where it is (file, field path, line) and what is wrong."""

    file: str
    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class SpecError(TricolorError):
    """The spec or a stack configuration is invalid; ``problems`` lists every problem."""

    def __init__(self, problems: Sequence[Problem] | Problem) -> None:
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        count = len(self.problems)
        head = "1 problem" if count == 1 else f"{count} problems"
        super().__init__(f"{head}:\n" + "\n".join(f"  - {p}" for p in self.problems))


class SpecFileError(SpecError):
    """The spec file does not exist, cannot be read, or is not YAML."""


class NamingError(SpecError):
    """A stack or Kubernetes name breaks the naming rules."""


class FieldProblems(ValueError):
    """Several problems found by one validator, each at a path below the validated field.

    ``items`` holds ``(sub_path, message)`` pairs; ``sub_path`` is a tuple of keys and
    list indexes relative to the field (``()`` for the field itself).
    """

    def __init__(self, items: Sequence[tuple[tuple[int | str, ...], str]]) -> None:
        self.items = list(items)
        super().__init__("; ".join(message for _, message in self.items))


class _Short(reprlib.Repr):
    """``reprlib`` with small limits that never formats a huge integer in full."""

    def __init__(self) -> None:
        super().__init__()
        self.maxlevel, self.maxdict, self.maxlist, self.maxtuple, self.maxset = 2, 4, 4, 4, 4
        self.maxstring, self.maxother = 40, 40

    def repr_int(self, x: int, level: int) -> str:
        return _int_text(x)


_SHORT = _Short()


def _int_text(value: int) -> str:
    if value.bit_length() > _HUGE_INT_BITS:
        digits = int(value.bit_length() * 0.30103) + 1
        return f"{'-' if value < 0 else ''}<an integer of about {digits} digits>"
    return repr(value)


def shown(value: Any, limit: int = SHOWN_MAX) -> str:
    """``repr(value)`` for a message, at most about ``limit`` characters.

    A long text keeps its head, an ellipsis and its length (``'aaaa…' (10000000
    characters)``); a huge integer is described by its number of digits; containers
    are abbreviated. Control characters come out escaped.
    """
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        return _int_text(value)
    if isinstance(value, (str, bytes)):
        if len(value) <= limit and len(whole := repr(value)) <= limit + 2:
            return whole
        size = max(limit - 20, 8)
        head = repr(value[:size])
        while len(head) > limit - 20 and size > 8:  # escaped characters make a repr longer
            size //= 2
            head = repr(value[:size])
        return f"{head[:-1]}…{head[-1]} ({len(value)} characters)"
    text = _SHORT.repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
