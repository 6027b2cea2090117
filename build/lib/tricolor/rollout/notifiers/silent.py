"""``Silent``: chosen explicitly when no webhook is configured; sends nothing."""

from __future__ import annotations

from typing import Any

from .base import NotifierContext

__all__ = ["Silent"]


class Silent:
    name = "none"

    def __init__(self, context: NotifierContext | None = None) -> None:
        pass

    def notify(self, event: str, text: str, fields: dict[str, Any]) -> str | None:
        return None
