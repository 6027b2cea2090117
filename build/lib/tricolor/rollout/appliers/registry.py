"""The appliers by name. An unknown name is an ``UnknownNameError`` listing the known
ones; the offered names are the product's (test doubles live in the tests)."""

from __future__ import annotations

from collections.abc import Callable

from ...errors import UnknownNameError
from .base import Applier, ApplierContext
from .offline import OfflineApplier
from .pulumi import PulumiApplier

__all__ = ["APPLIERS", "get_applier"]

APPLIERS: dict[str, Callable[[ApplierContext], Applier]] = {
    "pulumi": PulumiApplier,
    "offline": OfflineApplier,
}


def get_applier(name: str, context: ApplierContext) -> Applier:
    if name not in APPLIERS:
        raise UnknownNameError("applier", name, APPLIERS)
    return APPLIERS[name](context)
