"""Kubernetes resource quantities (``250m``, ``0.5``, ``512Mi``, ``1G``) read once for
every backend: CPU as cores or ECS CPU units, memory in MiB. Pure functions.

A value that is not a quantity of the right kind raises ``BackendLimitError`` naming
the field and the value.
"""

from __future__ import annotations

import math
import re

from .errors import BackendLimitError

_QUANTITY = re.compile(r"^([0-9]+(?:\.[0-9]+)?)(m|k|Ki|Mi|Gi|Ti|M|G|T)?$")
_BYTES = {
    None: 1, "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12,
    "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40,
}


def _parse(quantity: str, field: str) -> tuple[float, str | None]:
    match = _QUANTITY.match(str(quantity))
    if not match:
        raise BackendLimitError(f"{field}: {quantity!r} is not a quantity such as 250m, 1, 512Mi")
    return float(match.group(1)), match.group(2)


def cores(quantity: str, field: str = "resources.limits.cpu") -> float:
    """A CPU quantity (``250m``, ``0.5``, ``2``) in cores."""
    number, unit = _parse(quantity, field)
    if unit not in (None, "m"):
        raise BackendLimitError(f"{field}: {quantity!r} is not a CPU quantity such as 250m or 1")
    return number / 1000 if unit == "m" else number


def cpu_units(quantity: str, field: str = "resources.limits.cpu") -> int:
    """A CPU quantity as ECS CPU units (1024 a core), rounded up."""
    return math.ceil(cores(quantity, field) * 1024)


def memory_mib(quantity: str, field: str = "resources.limits.memory") -> int:
    """A memory quantity (``512Mi``, ``1Gi``, ``500M``) in MiB, rounded up."""
    number, unit = _parse(quantity, field)
    if unit == "m":
        raise BackendLimitError(f"{field}: {quantity!r} is not a memory quantity such as 512Mi")
    return math.ceil(number * _BYTES[unit] / 2**20)


__all__ = ["cores", "cpu_units", "memory_mib"]
