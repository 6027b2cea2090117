"""Which values are secret, and how they are redacted: by name and by structure, in one
place for drift, policies, plan and previews.

By name: a key is secret-looking when its words (split at ``_``, ``-``, ``.``, spaces
and camelCase humps) contain ``pass``/``passwd``/``password``/``pwd``/``passphrase``,
``secret``, ``token``, ``auth``/``authorization``, ``credential(s)``/``creds``, ``dsn``,
``private``, ``cookie``, ``signature``, ``salt``, a ``key`` after another word
(``STRIPE_KEY``, ``apiKey``, ``privateKey``; a bare ``key`` is the name of something)
or ``apikey``, or a connection string (``connection_string``, ``connStr``); ``password``, ``secret``,
``token`` and ``apikey`` also inside one word (``dbpassword``). A name
whose last word says it *refers* to a secret (``secretName``, ``secretKeyRef``,
``passwordSecretArn``, ``tokenPath``, ``keyName``) is not a value and stays visible.

By structure (``redact``):

- Pulumi secret envelopes and output values marked secret;
- every value under a secret-looking key, whatever its type (list, object, number);
- lists of named items (``[{"name": ..., "value": ...}]``: container ``env``, ECS
  ``environment``, tags) are keyed by name first, even when a name appears twice
  (then the name holds the list of its values), so each value is judged by its name;
  in a list that cannot be keyed (an item without a name), each named item is still
  judged by its own name;
- Docker ``envs`` (``["NAME=value", ...]``) likewise;
- Kubernetes ``Secret`` ``data`` and ``stringData``, whole;
- the password of a URL (``postgres://user:pw@host``) in any string.

``mask`` applies the same rules and keeps the document's shape (lists stay lists).

Redaction is by shape, never by value: two environments whose secrets differ, or are
equal, redact to the same bytes, so nothing downstream (a diff, a count, a summary)
can tell them apart.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

from .wire import SECRET_TEXT, plain

_HUMPS = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_SEPARATORS = re.compile(r"[^A-Za-z0-9]+")
_SECRET_WORDS = frozenset({
    "pass", "passwd", "password", "passwords", "pwd", "passphrase", "secret", "secrets", "token", "tokens",
    "auth", "authorization", "credential", "credentials", "creds", "dsn", "private", "privatekey",
    "apikey", "cookie", "signature", "salt",
})
_REFERENCE_WORDS = frozenset({"ref", "refs", "name", "names", "arn", "arns", "path", "paths", "file", "files",
                              "type", "kind", "version", "mount", "provider", "selector", "policy", "from"})
#: written inside one word too (``dbpassword``, ``GITHUBTOKEN``)
_SECRET_FRAGMENTS = ("password", "passwd", "secret", "token", "apikey", "connectionstring", "connstr")
_URL_PASSWORD = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]*:)(?P<pw>[^/\s@]+)(?=@)")
_NAME_KEYS = (("name", "value"), ("Name", "Value"), ("key", "value"), ("Key", "Value"), ("label", "value"))
_SECRET_TYPES = ("core/v1:Secret",)


def words(name: str) -> list[str]:
    """``clientSecretId`` -> ``["client", "secret", "id"]``; ``DB_PASS`` -> ``["db", "pass"]``."""
    return [w.lower() for part in _SEPARATORS.split(name) for w in _HUMPS.split(part) if w]


def is_secret_name(name: Any) -> bool:
    """Whether a key of this name holds a secret value (see the module docstring)."""
    return isinstance(name, str) and _secret_name(name)


@functools.lru_cache(maxsize=65536)  # keys repeat across thousands of resources
def _secret_name(name: str) -> bool:
    parts = words(name)
    if not parts or parts[-1] in _REFERENCE_WORDS:
        return False
    if any(p in _SECRET_WORDS for p in parts):
        return True
    if "key" in parts[1:]:
        return True
    joined = "".join(parts)
    return any(fragment in joined for fragment in _SECRET_FRAGMENTS)


def redact_text(text: str) -> str:
    """``text`` with the password of every URL in it replaced."""
    if "://" not in text or "@" not in text:
        return text
    return _URL_PASSWORD.sub(lambda m: m.group("head") + SECRET_TEXT, text)


def named(items: list[Any]) -> dict[str, Any] | None:
    """A list of named items as a mapping by name (``None`` when it is not one).

    An item of only a name and a value maps to the value, others to the item without its
    name; a name given twice maps to the list of its values, in order."""
    if not items or not isinstance(items[0], Mapping):
        return None
    for name_key, value_key in _NAME_KEYS:
        if not all(isinstance(i, Mapping) and isinstance(i.get(name_key), str) for i in items):
            continue
        out: dict[str, Any] = {}
        seen: dict[str, int] = {}
        for item in items:
            value = (item.get(value_key) if set(item) <= {name_key, value_key}
                     else {k: v for k, v in item.items() if k != name_key})
            name = item[name_key]
            seen[name] = seen.get(name, 0) + 1
            if seen[name] == 1:
                out[name] = value
            elif seen[name] == 2:
                out[name] = [out[name], value]
            else:
                out[name].append(value)
        return out
    return None


def env_pairs(items: list[Any]) -> dict[str, Any] | None:
    """Docker's ``["NAME=value", ...]`` as a mapping (a repeated name holds a list)."""
    if not items or not all(isinstance(i, str) and "=" in i for i in items):
        return None
    return named([dict(zip(("name", "value"), i.split("=", 1), strict=True)) for i in items])


def redact(value: Any, key: str = "", type_: str = "") -> Any:
    """``value`` with every secret replaced by ``[secret]`` (see the module docstring).

    ``key`` is the name ``value`` is found under: a secret-looking one hides it whole.
    ``type_`` (a Pulumi type token) enables per-type rules (Kubernetes Secrets)."""
    if is_secret_name(key):
        return _hide(plain(value))
    return _by_type(_redact(plain(value), key), type_)


def mask(value: Any, key: str = "", type_: str = "") -> Any:
    """``value`` with the same secrets as ``redact`` replaced, its shape kept: a list of
    named items stays a list (each item judged by its name), Docker ``envs`` stay
    ``NAME=value`` strings. For documents whose shape is a contract (``plan --output
    json``)."""
    if is_secret_name(key):
        return _hide(plain(value))
    return _by_type(_mask(plain(value), key), type_)


def _by_type(out: Any, type_: str) -> Any:
    """A Kubernetes Secret's ``data`` and ``stringData`` hidden whole (their keys kept)."""
    if type_.endswith(_SECRET_TYPES) and isinstance(out, dict):
        for field in ("data", "stringData"):
            if field in out:
                out[field] = ({k: SECRET_TEXT for k in out[field]} if isinstance(out[field], dict)
                              else SECRET_TEXT)
    return out


def _name_key(items: list[Any]) -> tuple[str, str] | None:
    if not items or not isinstance(items[0], Mapping):
        return None
    for name_key, value_key in _NAME_KEYS:
        if all(isinstance(i, Mapping) and isinstance(i.get(name_key), str) for i in items):
            return name_key, value_key
    return None


def _mask(value: Any, key: str) -> Any:
    if isinstance(value, Mapping):
        return {k: _hide(v) if is_secret_name(k) else _mask(v, k) for k, v in value.items()}
    if isinstance(value, list):
        if key == "envs" and env_pairs(value) is not None:
            return [f"{i.split('=', 1)[0]}={SECRET_TEXT}" if is_secret_name(i.split("=", 1)[0]) else redact_text(i)
                    for i in value]
        keys = _name_key(value)
        if keys is not None:
            return [{k: v if k == keys[0] else _hide(v) if is_secret_name(item[keys[0]]) else _mask(v, k)
                     for k, v in item.items()} for item in value]
        return [_entry(v) if _secret_entry(v) else _mask(v, key) for v in value]
    if isinstance(value, str):
        return redact_text(value)
    return value


def is_reference_name(name: Any) -> bool:
    """A key whose value names or points at something (``valueFrom``, ``secretKeyRef``,
    ``keyName``) rather than holding it."""
    return isinstance(name, str) and _reference_name(name)


@functools.lru_cache(maxsize=65536)
def _reference_name(name: str) -> bool:
    parts = words(name)
    return bool(parts) and parts[-1] in _REFERENCE_WORDS


def _hide(value: Any) -> Any:
    """Everything under a secret-looking key: scalars hidden, references kept visible."""
    if isinstance(value, Mapping):
        return {k: _redact(v, k) if is_reference_name(k) else _hide(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_hide(v) for v in value]
    return SECRET_TEXT


def _redact(value: Any, key: str) -> Any:
    if isinstance(value, Mapping):
        return {k: _hide(v) if is_secret_name(k) else _redact(v, k) for k, v in value.items()}
    if isinstance(value, list):
        keyed = named(value) if key != "envs" else env_pairs(value)
        if keyed is not None:
            return _redact(keyed, key)
        return [_entry(v) if _secret_entry(v) else _redact(v, key) for v in value]
    if isinstance(value, str):
        return redact_text(value)
    return value


def _entry_name(item: Any) -> tuple[str, str] | None:
    """The name key and name of a named item (``{"name": "DB_PASSWORD", ...}``)."""
    if isinstance(item, Mapping):
        for name_key, _ in _NAME_KEYS:
            if isinstance(item.get(name_key), str):
                return name_key, item[name_key]
    if isinstance(item, str) and "=" in item:
        return "", item.split("=", 1)[0]
    return None


def _secret_entry(item: Any) -> bool:
    """A named item whose name is secret-looking, in a list that could not be keyed by
    name (an item without a name beside it, a string among mappings): judged alone."""
    found = _entry_name(item)
    return found is not None and is_secret_name(found[1])


def _entry(item: Any) -> Any:
    if isinstance(item, str):
        return f"{item.split('=', 1)[0]}={SECRET_TEXT}"
    name_key = _entry_name(item)[0]  # type: ignore[index]
    return {k: v if k == name_key else _redact(v, k) if is_reference_name(k) else _hide(v) for k, v in item.items()}
