"""Errors raised while building environments.

Tree::

    TricolorError (tricolor.spec.errors)
    └── ComponentError            an environment cannot be built from this spec and config
        ├── UnknownBackendError   tricolor:backend names no known backend (lists them)
        └── BackendLimitError     a value is beyond what the backend allows (names the limit)

All are fatal: they are raised before any resource is registered.
"""

from __future__ import annotations

from ..spec.errors import TricolorError


class ComponentError(TricolorError):
    """The environment cannot be built as configured."""


class UnknownBackendError(ComponentError):
    def __init__(self, name: str, known: tuple[str, ...]) -> None:
        self.name = name
        super().__init__(f"unknown backend {name!r}; supported backends: {', '.join(known)}")


class BackendLimitError(ComponentError):
    """A value exceeds a backend's limits (weights, target groups, Fargate sizes, ...)."""
