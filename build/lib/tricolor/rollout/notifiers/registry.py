"""The notifiers by name: ``slack`` when a webhook URL is configured, else ``none``
(said so, not guessed: asking for ``slack`` without a URL is an error)."""

from __future__ import annotations

from collections.abc import Callable

from ...errors import UnknownNameError
from .base import Notifier, NotifierContext
from .silent import Silent
from .slack import SlackWebhook

__all__ = ["NOTIFIERS", "get_notifier"]

NOTIFIERS: dict[str, Callable[[NotifierContext], Notifier]] = {"slack": SlackWebhook, "none": Silent}


def get_notifier(name: str | None = None, context: NotifierContext | None = None) -> Notifier:
    context = context or NotifierContext.from_environment()
    name = name or ("slack" if context.url else "none")
    if name not in NOTIFIERS:
        raise UnknownNameError("notifier", name, NOTIFIERS)
    return NOTIFIERS[name](context)
