"""Component resources that build environments from the spec, one subpackage per backend."""

from __future__ import annotations

from .args import BlueGreenArgs, EnvironmentArgs, RouterArgs, common_labels
from .backend import Backend, get_backend
from .errors import BackendLimitError, ComponentError, UnknownBackendError

__all__ = [
    "Backend",
    "BackendLimitError",
    "BlueGreenArgs",
    "ComponentError",
    "EnvironmentArgs",
    "RouterArgs",
    "UnknownBackendError",
    "common_labels",
    "get_backend",
]
