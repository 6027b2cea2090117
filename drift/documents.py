"""JSON documents embedded in string fields, and policy documents compared as structures.

AWS keeps IAM, SNS, SQS and S3 policies (and ECS container definitions) as JSON *text*
inside a string field, where every quote is escaped. ``expand`` replaces, in serialised
JSON, every string value that parses as a JSON object or array by that document (keys
sorted), so the same names, secrets and placeholders are seen inside it as anywhere
else; a string that does not parse stays as it is.

``policy`` puts an IAM-style policy document (a mapping with ``Statement``) in one form:
a single statement becomes a list, a single value of ``Action``, ``NotAction``,
``Resource``, ``NotResource``, of a ``Principal`` kind or of a ``Condition`` key becomes
a one-element list and every such list is sorted and deduplicated (AWS reads them as
sets), and the statements are keyed by ``Sid`` when each has a distinct one, else
sorted, so their order never counts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import orjson

__all__ = ["expand", "is_policy", "policy"]

_SORTED = orjson.OPT_SORT_KEYS
# A string value (never a key: a key is followed by ``:``) that starts like a document.
_OBJECT = re.compile(rb'"\{(?<![\\]"\{)[^"\\]*(?:\\.[^"\\]*)*"(?=[,}\]])')
_ARRAY = re.compile(rb'"\[(?<![\\]"\[)[^"\\]*(?:\\.[^"\\]*)*"(?=[,}\]])')
_SETS = ("Action", "NotAction", "Resource", "NotResource")
_PRINCIPALS = ("Principal", "NotPrincipal")
_SCALARS = (str, int, float, bool)


def _document(match: re.Match[bytes]) -> bytes:
    raw = match.group(0)
    try:
        text = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return raw
    if not isinstance(text, str) or text[-1:] not in ("}", "]") or len(text) < 2:
        return raw
    try:
        document = orjson.loads(text)
    except orjson.JSONDecodeError:
        return raw
    if not isinstance(document, (dict, list)):
        return raw
    try:
        return expand(orjson.dumps(document, option=_SORTED))
    except (orjson.JSONEncodeError, TypeError):
        return raw


def expand(data: bytes) -> bytes:
    """``data`` (serialised JSON) with embedded JSON documents parsed in place."""
    if b'"{' in data:
        data = _OBJECT.sub(_document, data)
    if b'"[' in data:
        data = _ARRAY.sub(_document, data)
    return data


def is_policy(value: Any) -> bool:
    return isinstance(value, Mapping) and isinstance(value.get("Statement"), (list, dict))


def _set(value: Any) -> Any:
    if isinstance(value, _SCALARS):
        return [value]
    if isinstance(value, list) and all(isinstance(v, _SCALARS) for v in value):
        return sorted(set(value), key=lambda v: (type(v).__name__, str(v)))
    return value


def _statement(statement: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(statement)
    for key in _SETS:
        if key in out:
            out[key] = _set(out[key])
    for key in _PRINCIPALS:
        if isinstance(out.get(key), Mapping):
            out[key] = {kind: _set(v) for kind, v in out[key].items()}
    if isinstance(out.get("Condition"), Mapping):
        out["Condition"] = {op: ({k: _set(v) for k, v in body.items()} if isinstance(body, Mapping) else body)
                            for op, body in out["Condition"].items()}
    return out


def policy(document: Mapping[str, Any]) -> dict[str, Any]:
    """``document`` in the one form described in the module docstring."""
    statements = document["Statement"]
    if isinstance(statements, Mapping):
        statements = [statements]
    if not all(isinstance(s, Mapping) for s in statements):
        return dict(document)
    normal = [_statement(s) for s in statements]
    sids = [s.get("Sid") for s in normal]
    if all(isinstance(s, str) and s for s in sids) and len(set(sids)) == len(sids):
        keyed = {str(s["Sid"]): {k: v for k, v in s.items() if k != "Sid"} for s in normal}
        return {**document, "Statement": keyed}
    return {**document, "Statement": sorted(normal, key=_order)}


def _order(statement: Mapping[str, Any]) -> bytes:
    try:
        return orjson.dumps(statement, option=_SORTED | orjson.OPT_NON_STR_KEYS, default=str)
    except (orjson.JSONEncodeError, TypeError):
        return repr(sorted(statement.items(), key=str)).encode()
