"""Appliers: the protocol (``base``), one module per applier, the registry apart
(``appliers.registry.get_applier``)."""

from __future__ import annotations

from .base import Applier, ApplierContext, ApplyResult, Change, Purpose

__all__ = ["Applier", "ApplierContext", "ApplyResult", "Change", "Purpose"]
