"""Errors raised while loading and validating the shared spec.

Tree::

    TricolorError (tricolor.errors)
    └── SpecError                 the spec or a stack's configuration is invalid
        ├── SpecFileError         the spec file is missing, unreadable or not YAML
        └── NamingError           a name breaks the stack or Kubernetes naming rules

Each ``SpecError`` carries every problem found, each naming its field and file, so a
user fixes them all in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import TricolorError


@dataclass(frozen=True)
class Problem:
    """One validation problem: where it is and what is wrong."""

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}" if self.path else self.file
        return f"{where}: {self.message}"


class SpecError(TricolorError):
    """The spec or a stack configuration is invalid; ``problems`` lists every problem."""

    def __init__(self, problems: list[Problem] | Problem) -> None:
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        count = len(self.problems)
        head = "1 problem" if count == 1 else f"{count} problems"
        super().__init__(f"{head}:\n" + "\n".join(f"  - {p}" for p in self.problems))


class SpecFileError(SpecError):
    """The spec file does not exist, cannot be read, or is not YAML."""


class NamingError(SpecError):
    """A stack or Kubernetes name breaks the naming rules."""
