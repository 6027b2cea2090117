"""Notifiers: the protocol (``base``), one module per notifier, the registry apart
(``notifiers.registry.get_notifier``)."""

from __future__ import annotations

from .base import WEBHOOK_ENV, Notifier, NotifierContext

__all__ = ["WEBHOOK_ENV", "Notifier", "NotifierContext"]
