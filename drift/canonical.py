"""The two normal forms of a resource, both pure.

1. ``canonical`` (cheap, for every resource; the fingerprint's input): drop volatile
   top-level and ``metadata`` fields, serialise with sorted keys (orjson), parse JSON
   documents embedded in strings (``documents.expand``), redact secrets
   (``vocab.redact``, only where a secret-looking key or name, an envelope, a URL with
   a password or a Kubernetes Secret is present at all), then replace the environment's
   own names (``names.Affixes``). Redaction comes before the fingerprint, so no count
   or fingerprint ever depends on a secret's value.
2. ``deep_normalize`` (only for resources whose fingerprints differ): redact again (the
   same rules: idempotent), drop volatile fields at any depth, mark unknown values as
   ``[unknown]``, key lists of named items by name (``vocab.redact.named``: a name given
   twice holds the list of its values), parse JSON text, put policy documents in one
   form (``documents.policy``), whole floats as integers.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

import orjson

from ..vocab import wire
from ..vocab.redact import env_pairs, is_secret_name, named, redact
from .documents import expand, is_policy, policy
from .names import Affixes

__all__ = ["DEEP_VOLATILE", "TOP_VOLATILE", "canonical", "deep_form", "deep_normalize", "loads", "needs_redaction"]

loads = orjson.loads
_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS

# Fields that change on every apply or name the environment itself.
TOP_VOLATILE = frozenset({"id", "arn", "urn", "__inputs", "__meta", "status", "provider", "revision"})
META_VOLATILE = frozenset({"uid", "resourceVersion", "generation", "creationTimestamp", "managedFields",
                           "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds", "namespace"})
VOLATILE_ANNOTATIONS = frozenset({"kubectl.kubernetes.io/last-applied-configuration",
                                  "deployment.kubernetes.io/revision", "pulumi.com/autonamed"})
DEEP_VOLATILE = TOP_VOLATILE | META_VOLATILE | frozenset({
    "observedGeneration", "revision", "deployments", "events", "registeredBy", "createdBy",
    "runningCount", "pendingCount", "requiresAttributes", "compatibilities", "uniqueId",
})
_VOLATILE_KEY = re.compile(r"^(?:.+Arns?|.*(?:Timestamp|Time|Date)|(?:created|updated|registered|deregistered|"
                           r"lastModified|last_modified)(?:At)?)$")
_SECRET_TYPES = ("core/v1:Secret",)
# Every secret-looking name contains one of these (lower case): a cheap first test
# (pass, pwd, private, secret, salt, signature, token, auth, cred, cookie, conn, dsn, key).
_HINTS = re.compile(rb"p(?:ass|wd|rivate)|s(?:ecret|alt|ignature)|token|auth|c(?:red|ookie|onn)|dsn|key")
_SIG = wire.SIG_KEY.encode()
_KEY = re.compile(rb'"([^"\\]*(?:\\.[^"\\]*)*)":')
_ENTRY = re.compile(rb'"(?:name|Name|key|Key|label)":"([^"\\]*(?:\\.[^"\\]*)*)"')
_PAIR = re.compile(rb'"([^"\\=]*)=')  # "API_TOKEN=..." items


def _assigned(key: str, value: Any) -> bool:
    """Values the API server assigns (cluster IPs, node ports); headless ``None`` is config."""
    if key in ("clusterIP", "clusterIPs"):
        return value not in ("None", ["None"])
    return key in ("nodePort", "healthCheckNodePort")


def _drop_shallow(body: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in body.items() if k not in TOP_VOLATILE}
    spec = out.get("spec")
    if isinstance(spec, dict) and any(_assigned(k, v) for k, v in spec.items()):
        out["spec"] = {k: v for k, v in spec.items() if not _assigned(k, v)}
    meta = out.get("metadata")
    if isinstance(meta, dict):
        meta = {k: v for k, v in meta.items() if k not in META_VOLATILE}
        notes = meta.get("annotations")
        if isinstance(notes, dict):
            notes = {k: v for k, v in notes.items() if k not in VOLATILE_ANNOTATIONS}
            if notes:
                meta["annotations"] = notes
            else:
                meta.pop("annotations")
        out["metadata"] = meta
    return out


@functools.lru_cache(maxsize=16384)
def _secret(raw: bytes) -> bool:
    return is_secret_name(raw.decode("utf-8", "replace"))


def needs_redaction(data: bytes, type_: str = "") -> bool:
    """Whether ``redact`` could change the document serialised in ``data``: a superset
    (a secret-looking key, entry name or ``NAME=`` string; a URL with an ``@``, an
    envelope, Docker ``envs`` or a Kubernetes Secret), so that when it says no, redacting
    would change nothing."""
    if type_.endswith(_SECRET_TYPES) or _SIG in data or b'"envs":' in data:
        return True
    if b"@" in data and b"://" in data:
        return True
    if _HINTS.search(data.lower()) is None:
        return False
    return any(_secret(name) for found in (_KEY.findall(data), _ENTRY.findall(data), _PAIR.findall(data))
               for name in set(found))


def _big_ints(value: Any) -> Any:
    """Integers orjson cannot write (beyond 64 bits) as text; everything else as is."""
    if isinstance(value, Mapping):
        return {str(k): _big_ints(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_big_ints(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool) and not -(2**63) <= value < 2**64:
        return str(value)
    return value


def dumps(value: Any) -> bytes:
    """Sorted-key JSON (orjson); integers beyond 64 bits are written as text."""
    try:
        return orjson.dumps(value, option=_OPTIONS)
    except TypeError:
        return orjson.dumps(_big_ints(value), option=_OPTIONS)


def canonical(body: Mapping[str, Any], affixes: Affixes, type_: str = "") -> bytes:
    """The cheap normal form of one resource body (see the module docstring)."""
    data = expand(dumps(_drop_shallow(body)))
    if needs_redaction(data, type_):
        data = dumps(redact(loads(data), type_=type_))
    return affixes.apply(data)


def deep_normalize(value: Any, type_: str = "") -> Any:
    """The full normal form (see the module docstring); ``type_`` enables per-type rules."""
    return _walk(redact(value, type_=type_))


def deep_form(canonical_value: Any) -> Any:
    """``deep_normalize`` of a value already in canonical form (redacted where needed)."""
    return _walk(canonical_value)


def _walk(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        if is_policy(value):
            value = policy(value)
        out: dict[str, Any] = {}
        for k, v in value.items():
            if k in DEEP_VOLATILE or _VOLATILE_KEY.match(k) or _assigned(k, v):
                continue
            out[k] = _walk(v, k)
        return out
    if isinstance(value, list):
        keyed = env_pairs(value) if key == "envs" else named(value)
        if keyed is not None:
            return _walk(keyed, key)
        return [_walk(v, key) for v in value]
    if isinstance(value, str):
        if wire.is_unknown(value):
            return wire.UNKNOWN_TEXT
        if value[:1] in "[{" and value[-1:] in "]}" and value not in (wire.SECRET_TEXT, wire.UNKNOWN_TEXT):
            try:
                return _walk(redact(orjson.loads(value), key), key)
            except orjson.JSONDecodeError:
                return value
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
