"""Errors raised while building environments.

Tree::

    TricolorError (tricolor.errors)
    └── ComponentError            an environment cannot be built from this spec and config
        ├── UnknownBackendError   tricolor:backend names no known backend (also an
        │                         UnknownNameError: lists the known ones)
        └── BackendLimitError     a value is beyond what the backend allows (names the limit)

All are fatal: they are raised before any resource is registered.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import TricolorError, UnknownNameError


class ComponentError(TricolorError):
    """The environment cannot be built as configured."""


class UnknownBackendError(UnknownNameError, ComponentError):
    """The backend registry was asked for a name it does not know."""

    def __init__(self, name: str, known: Iterable[str]) -> None:
        super().__init__("backend", name, known)


class BackendLimitError(ComponentError):
    """A value exceeds a backend's limits (weights, target groups, Fargate sizes, ...)."""
