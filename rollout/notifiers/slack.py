"""``SlackWebhook``: posts ``{"text": ..., "attachments": [...]}`` to an incoming webhook
(what Slack, Mattermost and Rocket.Chat accept). The webhook URL is a secret: it is
never printed, not even in a delivery error."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...lazy import later
from ..errors import InvalidRequestError
from .base import WEBHOOK_ENV, NotifierContext

if TYPE_CHECKING:
    import httpx
else:
    httpx = later("httpx")  # heavy: imported when first used

__all__ = ["COLORS", "SlackWebhook", "slack_payload"]

COLORS = {"aborted": "#d00000", "aborting": "#d00000", "rolled-back": "#e0a000", "succeeded": "#2eb67d",
          "completed": "#2eb67d"}


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
    name = "slack"

    def __init__(self, context: NotifierContext) -> None:
        if not context.url:
            raise InvalidRequestError(f"the slack notifier needs a webhook URL (${WEBHOOK_ENV})")
        self._url = context.url
        self.client = context.client or httpx.Client(timeout=context.timeout)

    def notify(self, event: str, text: str, fields: dict[str, Any]) -> str | None:
        try:
            response = self.client.post(self._url, json=slack_payload(event, text, fields))
        except httpx.HTTPError as exc:
            return f"notification webhook unreachable: {exc.__class__.__name__}"
        if response.status_code >= 300:
            return f"notification webhook answered HTTP {response.status_code}"
        return None
