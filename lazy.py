"""Heavy third-party modules (scipy, numpy, httpx), imported the first time they are
used, so a command that never needs one does not pay for it when it starts.

At module level::

    if TYPE_CHECKING:
        import httpx
    else:
        httpx = later("httpx")

Type checkers see the real module; at run time the stand-in imports it on its first
attribute access (``httpx.Client(...)``, ``except httpx.HTTPError``). Only for
third-party modules: tricolor's own modules are imported at the top, always. This
module imports nothing from tricolor.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

__all__ = ["later"]


class _Later:
    """A module imported on first use."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attribute: str) -> Any:
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return getattr(self._module, attribute)

    def __repr__(self) -> str:
        return f"<{self._name}, imported on first use>"


def later(name: str) -> Any:
    """A stand-in for the module ``name`` that imports it when first used."""
    return _Later(name)
