"""Component resources that build environments from the spec, one subpackage per backend
(``kubernetes``, ``aws``, ``docker``, ``aws_lambda`` for ``tricolor:backend: lambda``)
on one skeleton (``skeleton.py``); ``get_backend`` finds one by name."""

from __future__ import annotations

from .args import BlueGreenArgs, EnvironmentArgs, Owner, RevisionArgs, RouterArgs, SharedArgs, common_labels
from .backend import Backend
from .errors import BackendLimitError, ComponentError, UnknownBackendError
from .registry import get_backend, known_backends

__all__ = [
    "Backend",
    "BackendLimitError",
    "BlueGreenArgs",
    "ComponentError",
    "EnvironmentArgs",
    "Owner",
    "RevisionArgs",
    "RouterArgs",
    "SharedArgs",
    "UnknownBackendError",
    "common_labels",
    "get_backend",
    "known_backends",
]
