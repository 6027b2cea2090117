"""Normalisation: make the same part of the service look the same in every environment.

Two stages, both pure:

1. ``canonical`` (cheap, for every resource): drop volatile top-level and ``metadata``
   fields, serialise with sorted keys (orjson), and replace the environment's own names
   (namespace, stack and color affixes, identity labels, ARN account and region,
   Pulumi's auto-name suffixes) by placeholders. Equal bytes mean equal resources.
2. ``deep_normalize`` (only for resources whose fingerprints differ): drop volatile
   fields at any depth, redact secrets as ``[secret]`` (Pulumi secret envelopes,
   Kubernetes Secret data, string fields whose names look secret), mark Pulumi's
   unknown value as ``[unknown]``, key lists of named items by name, parse JSON text.

Roles align resources across environments: the resource type and its name with the
stack and color tokens taken out (``checkout-blue-deployment`` -> ``checkout-deployment``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

from .model import Resource, Snapshot

if TYPE_CHECKING:
    from ..stacks.render import Rendered

UNKNOWN_MARKER = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17"
ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7"
OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4"
SECRET_TEXT = "[secret]"
UNKNOWN_TEXT = "[unknown]"
COLORS = ("blue", "green")
COLOR_LABEL = "tricolor.dev/color"
COLOR_HEADER = "x-tricolor-color"

loads = orjson.loads

# Fields that change on every apply or name the environment itself.
TOP_VOLATILE = frozenset({"id", "arn", "urn", "__inputs", "__meta", "status", "provider", "revision"})
META_VOLATILE = frozenset({"uid", "resourceVersion", "generation", "creationTimestamp", "managedFields",
                           "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds", "namespace"})
VOLATILE_ANNOTATIONS = frozenset({"kubectl.kubernetes.io/last-applied-configuration",
                                  "deployment.kubernetes.io/revision", "pulumi.com/autonamed"})
DEEP_VOLATILE = TOP_VOLATILE | META_VOLATILE | frozenset({
    "observedGeneration", "revision", "deployments", "events", "registeredBy", "createdBy",
    "runningCount", "pendingCount", "requiresAttributes", "compatibilities",
})
_VOLATILE_KEY = re.compile(r"^(?:.+Arns?|.*(?:Timestamp|Time|Date)|(?:created|updated|registered|deregistered|"
                           r"lastModified|last_modified)(?:At)?)$")
_SECRET_NAME = re.compile(r"(?i)(passw(?:or)?d|secret|token|api[-_]?key|private[-_]?key|credential|access[-_]?key)")
_NOT_SECRET_NAME = re.compile(r"(?i)(ref|name|names|arn|path|file|type|id|version)$")


def is_secret_name(key: str) -> bool:
    return bool(_SECRET_NAME.search(key)) and not _NOT_SECRET_NAME.search(key)


@dataclass(frozen=True)
class Affixes:
    """What names one environment: replaced by placeholders so environments line up."""

    stack: str
    color: str | None = None
    namespace: str | None = None

    @property
    def tokens(self) -> tuple[str, ...]:
        return tuple(t for t in (self.color, self.stack) if t)

    def without(self, name: str) -> str:
        """``name`` without the stack and color tokens (``checkout-blue-config`` -> ``checkout-config``)."""
        pattern = _name_pattern(self.stack, self.color, self.namespace)
        if pattern is None:
            return name
        return pattern.sub(lambda m: "{namespace}" if m.lastindex else "", name).strip("-_.") or name

    def passes(self) -> list[Pass]:
        return _passes(self.stack, self.color, self.namespace)

    def apply(self, data: bytes) -> bytes:
        """Replace this environment's names in serialised JSON; each pass runs only when
        its literal trigger occurs (bytes ``in`` is fast, regex scans are not)."""
        for trigger, pattern, replacement in self.passes():
            if trigger in data:
                data = pattern.sub(replacement, data)
        return data


Pass = tuple[bytes, "re.Pattern[bytes]", "bytes | Callable[[re.Match[bytes]], bytes]"]
def _after_name(replacement: bytes) -> Callable[[re.Match[bytes]], bytes]:
    """Replace a match only where it follows a name character (``name-1a2b3c4``)."""
    def replace(match: re.Match[bytes]) -> bytes:
        start = match.start()
        before = match.string[start - 1:start]
        return replacement if before and (before.isalnum() or before == b"_") else match.group(0)
    return replace


def _arn(match: re.Match[bytes]) -> bytes:
    return b"arn:" + match.group(1) + b":" + match.group(2) + b":{region}:{account}:"


def _revision(match: re.Match[bytes]) -> bytes:
    return match.group(1) + b":{revision}"


# Literal replacements where possible: template expansion (``\1``) is slow in Python.
_COMMON: list[Pass] = [
    (b'"tricolor.dev/stack"', re.compile(rb'"tricolor\.dev/stack":"[^"]*"'), b'"tricolor.dev/stack":"{stack}"'),
    (b'"tricolor.dev/environment"', re.compile(rb'"tricolor\.dev/environment":"[^"]*"'),
     b'"tricolor.dev/environment":"{environment}"'),
    (b"task-definition/", re.compile(rb"(task-definition/[A-Za-z0-9_-]+):[0-9]+(?=\")"), _revision),
    (b"arn:", re.compile(rb"arn:(aws[a-z-]*):([a-z0-9-]+):[a-z0-9-]*:[0-9]*:"), _arn),
    # Pulumi's auto-name suffix (``-1a2b3c4`` or 16 hex digits) differs per stack.
    (b"-", re.compile(rb"-[0-9a-f]{7}(?:[0-9a-f]{9})?(?=[\":/])"), _after_name(b"-{suffix}")),
]
_PASSES: dict[tuple[str, str | None, str | None], list[Pass]] = {}


@functools.lru_cache(maxsize=256)
def _name_pattern(stack: str, color: str | None, namespace: str | None) -> re.Pattern[str] | None:
    """Namespace (group 1) or a stack or color token between separators, in a name."""
    parts = [rf"(?<![a-z0-9-])({re.escape(namespace)})(?![a-z0-9-])"] if namespace else []
    tokens = "|".join(re.escape(t) for t in (color, stack) if t)
    if tokens:
        parts.append(rf"(?:(?<=[-_.])|^)(?:{tokens})(?:[-_.]|$)")
    return re.compile("|".join(parts)) if parts else None


def _bounded(replacement: bytes) -> Callable[[re.Match[bytes]], bytes]:
    """Replace a match only where it starts a name (not inside a longer one)."""
    def replace(match: re.Match[bytes]) -> bytes:
        start = match.start()
        before = match.string[start - 1:start]
        if before and (before.isalnum() or before == b"-"):
            return match.group(0)
        return replacement
    return replace


def _passes(stack: str, color: str | None, namespace: str | None) -> list[Pass]:
    key = (stack, color, namespace)
    if key not in _PASSES:
        passes: list[Pass] = []
        if namespace:
            ns = namespace.encode()
            passes.append((ns, re.compile(re.escape(ns) + rb"(?![a-z0-9-])"), _bounded(b"{namespace}")))
        passes.extend(_COMMON)
        for token in (t.encode() for t in (color, stack) if t):
            passes.append((b"-" + token, re.compile(rb"-" + re.escape(token) + rb"(?=[-_\"./:\\])"), b""))
            passes.append((b"_" + token, re.compile(rb"_" + re.escape(token) + rb"(?=[-_\"./:\\])"), b""))
            passes.append((b'"' + token, re.compile(rb'"' + re.escape(token) + rb"[-_](?=[a-z0-9])"), b'"'))
        _PASSES[key] = passes
    return _PASSES[key]


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


def canonical(body: Mapping[str, Any], affixes: Affixes) -> bytes:
    """The cheap normal form of one resource body (the fingerprint's input)."""
    data = orjson.dumps(_drop_shallow(body), option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)
    return affixes.apply(data)


def deep_normalize(value: Any, type_: str = "") -> Any:
    """The full normal form (see the module docstring); ``type_`` enables per-type rules."""
    out = _walk(value)
    if type_.endswith("core/v1:Secret") and isinstance(out, dict):
        for key in ("data", "stringData"):
            if isinstance(out.get(key), dict):
                out[key] = {k: SECRET_TEXT for k in out[key]}
            elif key in out:
                out[key] = SECRET_TEXT
    return out


def _envelope(value: dict[str, Any]) -> Any:
    sig = value[SIG_KEY]
    if sig == SECRET_SIG:
        return SECRET_TEXT
    if sig in (ASSET_SIG, ARCHIVE_SIG):
        return {"hash": value.get("hash"), "kind": "asset" if sig == ASSET_SIG else "archive"}
    if sig == OUTPUT_SIG:
        if value.get("secret"):
            return SECRET_TEXT
        return _walk(value["value"]) if "value" in value else UNKNOWN_TEXT
    return _walk({k: v for k, v in value.items() if k != SIG_KEY})


_NAME_KEYS = (("name", "value"), ("Name", "Value"), ("key", "value"), ("Key", "Value"), ("label", "value"))


def _named(items: list[Any]) -> dict[str, Any] | None:
    """A list of named items (containers, env, ports, tags) as a mapping by name."""
    if not items or not isinstance(items[0], dict):
        return None
    for name_key, value_key in _NAME_KEYS:
        if not all(isinstance(i, dict) and isinstance(i.get(name_key), str) for i in items):
            continue
        names = [i[name_key] for i in items]
        if len(set(names)) != len(names):
            return None
        return {i[name_key]: (i.get(value_key) if set(i) <= {name_key, value_key}
                              else {k: v for k, v in i.items() if k != name_key}) for i in items}
    return None


def _walk(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        if SIG_KEY in value:
            return _envelope(value)
        out: dict[str, Any] = {}
        for k, v in value.items():
            if k in DEEP_VOLATILE or _VOLATILE_KEY.match(k) or _assigned(k, v):
                continue
            if isinstance(v, str) and v != UNKNOWN_MARKER and is_secret_name(k):
                out[k] = SECRET_TEXT
            else:
                out[k] = _walk(v, k)
        return out
    if isinstance(value, list):
        named = _named(value)
        if named is not None:
            return _walk(named, key)
        if key == "envs" and value and all(isinstance(i, str) and "=" in i for i in value):
            return _walk(dict(i.split("=", 1) for i in value), key)
        return [_walk(v, key) for v in value]
    if isinstance(value, str):
        if value == UNKNOWN_MARKER:
            return UNKNOWN_TEXT
        if value[:1] in "[{" and value[-1:] in "]}":
            try:
                return _walk(orjson.loads(value), key)
            except orjson.JSONDecodeError:
                return value
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# -- roles, colors, routers ---------------------------------------------------------------

_TOKEN = re.compile(r"[-_.]")


def color_of(name: str, labels: Mapping[str, Any] | None = None) -> str | None:
    """The color a resource belongs to: its ``tricolor.dev/color`` label or a color token
    in its name; ``None`` for shared resources."""
    if labels and labels.get(COLOR_LABEL) in COLORS:
        return str(labels[COLOR_LABEL])
    tokens = set(_TOKEN.split(name))
    found = [c for c in COLORS if c in tokens]
    return found[0] if len(found) == 1 else None


def parse_urn(urn: str) -> tuple[str, str, str]:
    """``(stack, type, name)`` of a Pulumi URN; the type is the resource's own (last) type."""
    parts = urn.split("::", 3)
    if len(parts) != 4 or not parts[0].startswith("urn:pulumi:"):
        raise ValueError(f"{urn!r} is not a Pulumi URN")
    return parts[0][len("urn:pulumi:"):], parts[2].rsplit("$", 1)[-1], parts[3]


def role_from_urn(urn: str, color: str | None = None) -> str:
    stack, type_, name = parse_urn(urn)
    return f"{type_}::{Affixes(stack, color).without(name)}"


def _split_http_route(body: dict[str, Any], color: str) -> dict[str, Any]:
    """A production HTTPRoute as seen by one color: its header rule becomes
    ``colorRoute``, and weighted rules keep only that color's backends."""
    spec = dict(body.get("spec") or {})
    rules, mine = [], None
    for rule in spec.get("rules") or []:
        headers = [h for m in rule.get("matches") or [] for h in m.get("headers") or []
                   if h.get("value") in COLORS]
        if headers:
            if headers[0].get("value") == color:
                mine = rule
            continue
        refs = [r for r in rule.get("backendRefs") or [] if color_of(str(r.get("name", ""))) in (color, None)]
        rules.append({**rule, "backendRefs": refs})
    spec["rules"] = rules
    out = {**body, "spec": spec}
    if mine is not None:
        out["colorRoute"] = mine
    return out


def _group_name(group: Mapping[str, Any]) -> str:
    if group.get("name"):
        return str(group["name"])
    arn = str(group.get("arn") or group.get("TargetGroupArn") or "")
    parts = arn.split("/")  # arn:...:targetgroup/<name>/<id>
    return parts[-2] if len(parts) >= 3 else arn


def _split_listener(body: dict[str, Any], color: str) -> dict[str, Any]:
    """An ALB listener as seen by one color: weighted target groups of that color only."""
    def keep(action: dict[str, Any]) -> dict[str, Any]:
        forward = action.get("forward") or action.get("ForwardConfig")
        if not isinstance(forward, dict):
            return action
        key = "targetGroups" if "targetGroups" in forward else "TargetGroups"
        groups = [g for g in forward.get(key) or [] if color_of(_group_name(g)) in (color, None)]
        return {**action, ("forward" if "forward" in action else "ForwardConfig"): {**forward, key: groups}}

    out = dict(body)
    for key in ("defaultActions", "DefaultActions", "actions", "Actions"):
        if isinstance(out.get(key), list):
            out[key] = [keep(a) for a in out[key]]
    return out


ROUTER_VIEWS = {":HTTPRoute": _split_http_route, "aws:lb/listener:Listener": _split_listener,
                "aws:lb/listenerRule:ListenerRule": _split_listener}


def _router_view(type_: str, body: dict[str, Any], color: str | None) -> dict[str, Any]:
    if color is None:
        return body
    for suffix, view in ROUTER_VIEWS.items():
        if type_.endswith(suffix):
            return view(body, color)
    return body


@dataclass(frozen=True)
class Item:
    """One resource as a source read it, before normalisation."""

    type: str
    name: str  # the Pulumi resource name (from the URN) or the object's own name
    body: Mapping[str, Any]
    color: str | None = None


def guess_namespace(items: Iterable[Item]) -> str | None:
    counts: dict[str, int] = {}
    for item in items:
        meta = item.body.get("metadata") if isinstance(item.body, Mapping) else None
        if not isinstance(meta, Mapping):
            continue
        if item.type.endswith("core/v1:Namespace") and isinstance(meta.get("name"), str):
            return str(meta["name"])
        if isinstance(meta.get("namespace"), str):
            counts[meta["namespace"]] = counts.get(meta["namespace"], 0) + 1
    return max(counts, key=lambda k: counts[k]) if counts else None


def build_snapshots(stack: str, items: Sequence[Item], colors: Sequence[str] | None = None,
                    namespace: str | None = None, source: str = "") -> list[Snapshot]:
    """Snapshots of one stack: one environment (labelled with the stack name), or one per
    color when the stack has colors; shared resources and routers belong to each color."""
    if colors is None:
        colors = sorted({item.color for item in items if item.color is not None and item.color in COLORS})
    if namespace is None:
        namespace = guess_namespace(items)
    targets: list[tuple[str, str | None]] = (
        [(f"{stack}/{c}", c) for c in colors] if colors else [(stack, None)])
    snapshots = []
    for label, color in targets:
        affixes = Affixes(stack, color, namespace)
        shared = Affixes(stack, None, namespace)  # shared resources name both colors: keep them
        resources: dict[str, Resource] = {}
        for item in items:
            if color is not None and item.color not in (None, color):
                continue
            role = f"{item.type}::{affixes.without(item.name)}"
            if role in resources:
                role = f"{role}#{sum(1 for r in resources if r.startswith(role))+1}"
            original = dict(item.body)
            body = _router_view(item.type, original, color)
            own = affixes if item.color is not None or body is not original else shared
            resources[role] = Resource(role, item.type, item.name, canonical(body, own))
        snapshots.append(Snapshot(stack=stack, environment=label, resources=resources, source=source,
                                  color=color))
    return snapshots


def snapshots_from_rendered(rendered: Rendered) -> list[Snapshot]:
    """Snapshots of an offline-rendered stack (``tricolor.stacks.render``): a production
    stack becomes its blue and green environments, any other stack one environment."""
    stack = rendered.stack
    items = []
    for resource in rendered.resources:
        if not resource.custom:
            continue
        _, type_, name = parse_urn(resource.urn)
        meta = resource.inputs.get("metadata") if isinstance(resource.inputs, dict) else None
        labels = meta.get("labels") if isinstance(meta, dict) else None
        items.append(Item(type_, name, resource.inputs, color_of(name, labels)))
    colors = list(COLORS) if stack.environment == "production" else []
    return build_snapshots(stack.name, items, colors=colors, source="rendered")
