"""Find a backend's components by the stack's ``tricolor:backend``.

The registry is a table from name to module. A backend module is imported only when
it is asked for, so a command that needs one backend does not pay for the others'
provider SDKs (``pulumi_aws`` alone takes about a second to import). An unknown name
raises ``UnknownBackendError`` (an ``UnknownNameError``) listing the known ones.
"""

from __future__ import annotations

import importlib
from typing import cast

from .backend import Backend
from .errors import UnknownBackendError

#: backend name (``tricolor:backend``) -> the subpackage implementing it
MODULES: dict[str, str] = {
    "kubernetes": "kubernetes",
    "aws": "aws",
    "docker": "docker",
    "lambda": "aws_lambda",  # ``lambda`` is a Python keyword
}


def known_backends() -> tuple[str, ...]:
    return tuple(MODULES)


def get_backend(name: str) -> Backend:
    """The components of backend ``name``; an unknown name lists the known ones."""
    if name not in MODULES:
        raise UnknownBackendError(name, MODULES)
    return cast(Backend, importlib.import_module(f"{__package__}.{MODULES[name]}"))


__all__ = ["MODULES", "get_backend", "known_backends"]
