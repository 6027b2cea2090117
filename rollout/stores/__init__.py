"""Ledger stores: the protocol (``base``), one module per store, the registry apart.

Import the registry (``stores.registry.open_store``) where a store is chosen by its
location; everything else needs only the protocol.
"""

from __future__ import annotations

from .base import DEFAULT_FOLDER, LEDGER_ENV, LedgerStore, StoreContext, check_stack, ledger_location

__all__ = ["DEFAULT_FOLDER", "LEDGER_ENV", "LedgerStore", "StoreContext", "check_stack", "ledger_location"]
