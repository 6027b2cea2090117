"""The ledger store for a location: ``s3://bucket/prefix``, a folder (``file://`` or a
path) or ``memory://``. An unknown scheme is an ``UnknownNameError``, never a default."""

from __future__ import annotations

from ...errors import UnknownNameError
from .base import LedgerStore, StoreContext, scheme_of
from .local import LocalStore
from .memory import MemoryStore
from .s3 import S3Store

__all__ = ["STORES", "open_store"]

STORES: dict[str, type[LocalStore] | type[S3Store] | type[MemoryStore]] = {
    "file": LocalStore,
    "s3": S3Store,
    "memory": MemoryStore,
}


def open_store(context: StoreContext) -> LedgerStore:
    scheme = scheme_of(context.url)
    if scheme not in STORES:
        raise UnknownNameError("ledger store scheme", scheme, STORES)
    return STORES[scheme](context)
