"""Notifications of a release (failure, abort, rollback, success).

``Notifier`` is the protocol; ``slack`` (a Slack-compatible incoming webhook) and
``silent`` implement it, each in its own module, built by ``registry.get_notifier``
from a ``NotifierContext``. A notification that cannot be delivered is reported back
(a line for the user), never fatal to the release.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

__all__ = ["WEBHOOK_ENV", "Notifier", "NotifierContext"]

WEBHOOK_ENV = "TRICOLOR_NOTIFY_WEBHOOK"


@dataclass(frozen=True)
class NotifierContext:
    """What a notifier is built from; the webhook URL is a secret, never printed."""

    url: str | None = None
    timeout: float = 5.0
    client: Any = None

    @classmethod
    def from_environment(cls, env: Mapping[str, str] | None = None) -> NotifierContext:
        return cls(url=(os.environ if env is None else env).get(WEBHOOK_ENV) or None)


class Notifier(Protocol):
    name: str

    def notify(self, event: str, text: str, fields: dict[str, Any]) -> str | None:
        """Send; return ``None`` when delivered, else why not."""
        ...
