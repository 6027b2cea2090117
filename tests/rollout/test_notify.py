"""Notifications: Slack-compatible payloads; an unreachable webhook is reported, never fatal,
and its URL (a secret) never appears in messages."""

from __future__ import annotations

import pytest

from tricolor.rollout.errors import UnknownNameError
from tricolor.rollout.notify import NoNotifier, SlackWebhook, get_notifier, slack_payload


def test_payload_is_slack_compatible():
    payload = slack_payload("aborted", "prod: release r1 aborted", {"stack": "prod", "weights": {"blue": 100}})
    assert payload["text"] == "prod: release r1 aborted"
    attachment = payload["attachments"][0]
    assert attachment["color"] == "#d00000"
    assert {"title": "stack", "value": "prod", "short": True} in attachment["fields"]


def test_delivery_and_failures(http_server):
    ok = http_server(lambda *a: (200, {"ok": True}))
    assert SlackWebhook(ok.url + "/hooks/T000/SECRET").notify("succeeded", "done", {}) is None
    assert ok.seen[0]["body"]["text"] == "done"
    refused = http_server(lambda *a: (403, {"error": "invalid_token"}))
    assert SlackWebhook(refused.url + "/hooks/SECRET").notify("aborted", "x", {}) == \
        "notification webhook answered HTTP 403"
    down = SlackWebhook("http://127.0.0.1:9/hooks/SECRET", timeout=1).notify("aborted", "x", {})
    assert down is not None and "SECRET" not in down


def test_factory(monkeypatch):
    monkeypatch.delenv("TRICOLOR_NOTIFY_WEBHOOK", raising=False)
    assert isinstance(get_notifier(), NoNotifier)
    monkeypatch.setenv("TRICOLOR_NOTIFY_WEBHOOK", "http://127.0.0.1:9/x")
    assert isinstance(get_notifier(), SlackWebhook)
    with pytest.raises(UnknownNameError, match="unknown notifier 'pager'"):
        get_notifier("pager")
