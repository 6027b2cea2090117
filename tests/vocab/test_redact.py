"""vocab.redact: the gaps found while making drift and plan leak nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tricolor.vocab.redact import is_secret_name, mask, redact

SECRET = "[secret]"


@pytest.mark.parametrize("name", ["DB_PASS", "STRIPE_KEY", "AUTH", "connection_string", "clientSecretId",
                                  "DATABASE_PASSWORD", "x-api-key", "Authorization", "dsn", "privateKey"])
def test_secret_spellings(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize("name", ["LOG_LEVEL", "secretName", "passwordSecretArn", "keyName", "tokenPath", "key"])
def test_names_that_are_not_secret_values(name: str) -> None:
    assert not is_secret_name(name)


def test_a_named_item_in_a_list_that_cannot_be_keyed_is_judged_alone() -> None:
    """One entry without a name (or a ``NAME=value`` string among mappings) kept the
    whole list from being keyed by name, and the password beside it was shown."""
    env: list[Any] = [{"name": "DB_PASSWORD", "value": "hunter2"}, {"valueFrom": {"fieldRef": {"x": 1}}},
                      "API_TOKEN=abc123", {"name": "MODE", "value": "fast"}]
    for out in (redact({"env": env}), mask({"env": env})):
        assert "hunter2" not in repr(out) and "abc123" not in repr(out)
        assert "fast" in repr(out) and "fieldRef" in repr(out)


def test_mask_keeps_the_shape_and_redacts_like_redact() -> None:
    value = {"containers": [{"name": "app", "env": [
        {"name": "LOG_LEVEL", "value": "info"}, {"name": "LOG_LEVEL", "value": "debug"},
        {"name": "DB_PASS", "value": "p1"},
        {"name": "DB_PASS", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}}]}],
        "envs": ["TOKEN=t1", "PORT=8080"], "apiKey": {"a": [1, {"b": 2.5}]},
        "url": "postgres://app:pw1@db/orders", "secret": 7}
    masked = mask(value)
    assert masked["containers"][0]["env"] == [
        {"name": "LOG_LEVEL", "value": "info"}, {"name": "LOG_LEVEL", "value": "debug"},
        {"name": "DB_PASS", "value": SECRET},
        {"name": "DB_PASS", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}}]
    assert masked["envs"] == ["TOKEN=[secret]", "PORT=8080"]
    assert masked["apiKey"] == {"a": [SECRET, {"b": SECRET}]}
    assert masked["url"] == "postgres://app:[secret]@db/orders" and masked["secret"] == SECRET
    for leaked in ("p1", "t1", "pw1", "2.5"):
        assert leaked not in repr(masked) and leaked not in repr(redact(value))


def test_kubernetes_secret_data_masked_whole() -> None:
    out = mask({"data": {"password": "c2VjcmV0"}, "stringData": "x"}, type_="kubernetes:core/v1:Secret")
    assert out == {"data": {"password": SECRET}, "stringData": SECRET}


@pytest.mark.parametrize("value", ["hunter2", 12345, ["a", "b"], {"x": "y"}, None, True])
@pytest.mark.parametrize("key", ["DB_PASSWORD", "apiKey", "STRIPE_KEY", "connection_string", "token"])
def test_a_value_is_hidden_by_the_key_it_is_found_under(key: str, value: object) -> None:
    for hide in (redact, mask):
        shown = json.dumps(hide(value, key))
        assert "hunter2" not in shown and "12345" not in shown and '"y"' not in shown and '"a"' not in shown
    assert redact("visible", "secretName") == "visible"  # a reference to a secret, not one
