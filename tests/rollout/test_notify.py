"""Notifications: Slack-compatible payloads; an unreachable webhook is reported, never fatal,
and its URL (a secret) never appears in messages."""

from __future__ import annotations

import pytest

from tricolor.rollout.errors import UnknownNameError
from tricolor.rollout.notifiers.base import NotifierContext
from tricolor.rollout.notifiers.registry import get_notifier
from tricolor.rollout.notifiers.silent import Silent
from tricolor.rollout.notifiers.slack import SlackWebhook, slack_payload


def hook(url: str, timeout: float = 5.0) -> SlackWebhook:
    return SlackWebhook(NotifierContext(url=url, timeout=timeout))


def test_payload_is_slack_compatible():
    payload = slack_payload("aborted", "prod: release r1 aborted", {"stack": "prod", "weights": {"blue": 100}})
    assert payload["text"] == "prod: release r1 aborted"
    attachment = payload["attachments"][0]
    assert attachment["color"] == "#d00000"
    assert {"title": "stack", "value": "prod", "short": True} in attachment["fields"]


def test_delivery_and_failures(http_server):
    ok = http_server(lambda *a: (200, {"ok": True}))
    assert hook(ok.url + "/hooks/T000/SECRET").notify("succeeded", "done", {}) is None
    assert ok.seen[0]["body"]["text"] == "done"
    refused = http_server(lambda *a: (403, {"error": "invalid_token"}))
    assert hook(refused.url + "/hooks/SECRET").notify("aborted", "x", {}) == \
        "notification webhook answered HTTP 403"
    down = hook("http://127.0.0.1:9/hooks/SECRET", timeout=1).notify("aborted", "x", {})
    assert down is not None and "SECRET" not in down


def test_factory(monkeypatch):
    monkeypatch.delenv("TRICOLOR_NOTIFY_WEBHOOK", raising=False)
    assert isinstance(get_notifier(), Silent)
    monkeypatch.setenv("TRICOLOR_NOTIFY_WEBHOOK", "http://127.0.0.1:9/x")
    assert isinstance(get_notifier(), SlackWebhook)
    with pytest.raises(UnknownNameError, match="unknown notifier 'pager'"):
        get_notifier("pager")
