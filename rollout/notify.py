"""Notifications: a Slack-compatible incoming webhook on failure, abort and success.

``Notifier`` is the protocol; ``SlackWebhook`` posts ``{"text": ..., "attachments":
[...]}`` (what Slack, Mattermost and Rocket.Chat accept). A notification that cannot be
delivered is reported back, never fatal to the release. The webhook URL is a secret:
it is never printed.
"""

from __future__ import annotations

import os
from typing import Any, Protocol

import httpx

from .errors import UnknownNameError

WEBHOOK_ENV = "TRICOLOR_NOTIFY_WEBHOOK"
COLORS = {"aborted": "#d00000", "aborting": "#d00000", "rolled-back": "#e0a000", "succeeded": "#2eb67d",
          "completed": "#2eb67d"}


class Notifier(Protocol):
    def notify(self, event: str, text: str, fields: dict[str, Any]) -> str | None:
        """Send; return ``None`` when delivered, else why not."""
        ...


def slack_payload(event: str, text: str, fields: dict[str, Any]) -> dict[str, Any]:
    return {
        "text": text,
        "attachments": [{
            "color": COLORS.get(event, "#439fe0"),
            "title": f"tricolor release {event}",
            "fields": [{"title": k, "value": str(v), "short": len(str(v)) < 40} for k, v in fields.items()],
        }],
    }


class SlackWebhook:
    def __init__(self, url: str, timeout: float = 5.0, client: httpx.Client | None = None) -> None:
        self._url = url
        self.client = client or httpx.Client(timeout=timeout)

    def notify(self, event: str, text: str, fields: dict[str, Any]) -> str | None:
        try:
            response = self.client.post(self._url, json=slack_payload(event, text, fields))
        except httpx.HTTPError as exc:
            return f"notification webhook unreachable: {exc.__class__.__name__}"
        if response.status_code >= 300:
            return f"notification webhook answered HTTP {response.status_code}"
        return None


class NoNotifier:
    """Chosen explicitly when no webhook is configured."""

    def notify(self, event: str, text: str, fields: dict[str, Any]) -> str | None:
        return None


def get_notifier(name: str | None = None, url: str | None = None) -> Notifier:
    url = url or os.environ.get(WEBHOOK_ENV)
    name = name or ("slack" if url else "none")
    if name == "slack":
        if not url:
            raise UnknownNameError("notifier setting", f"slack without ${WEBHOOK_ENV}", ["slack", "none"])
        return SlackWebhook(url)
    if name == "none":
        return NoNotifier()
    raise UnknownNameError("notifier", name, ["slack", "none"])
