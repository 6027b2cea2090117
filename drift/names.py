"""An environment's own names, and how they are taken out so environments line up.

Each environment is named by its stack, its color (production), its namespace, and
(on AWS) the account and region its stack lives in. ``Affixes`` replaces them, in the
serialised JSON of a resource, by placeholders or removes them:

- the ``tricolor.dev/stack`` and ``tricolor.dev/environment`` label values become
  ``{stack}`` and ``{environment}`` (a map of labels or tags, or Docker's list of
  ``{"label": ..., "value": ...}``);
- the namespace becomes ``{namespace}`` (a namespace that is a bare stack or color
  name only where it is part of a longer name, or the value of a ``namespace`` key);
- a stack or color *token* is taken out of names and name-like values only: a value
  under a key that names something (``name``, ``*Name``, ``id``, ``arn``, ``family``,
  ``group``, ``role``, ``host``, ``url``, ``ref``, ``description``: "checkout-qa tasks",
  label keys ``a.b/c``; an ARN; a list
  item; an env entry named so), where the token is a part of a longer name (``-qa``, ``qa-``,
  ``.qa.``, ``/qa/``). A value that *is* the token (a container called ``qa`` in stack
  ``qa``, a ConfigMap key ``green``) is never touched, so it cannot invent drift;
- Pulumi's auto-name suffix (``-1a2b3c4`` or 16 hex digits) after a name becomes
  ``-{suffix}``, in name-like values only;
- the account ids and regions *learnt* from the stack's own ARNs (``learn``) become
  ``{account}`` and ``{region}`` wherever they stand alone (an ARN, ``"AWS:SourceOwner":
  "123456789012"``, ``logs.us-east-2.amazonaws.com``); other accounts stay visible;
- a task definition's revision (``task-definition/app:7``) becomes ``{revision}``.

Every pass runs only when its literal trigger occurs in the bytes (``in`` is fast,
regular-expression scans are not), and works on escaped JSON text too.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from ..vocab import labels
from ..vocab.redact import words

__all__ = ["Affixes", "is_name_key", "learn"]

Replacement = bytes | Callable[["re.Match[bytes]"], bytes]
Pass = tuple[bytes, "re.Pattern[bytes]", Replacement]

#: last words of keys whose values name something
_NAME_WORDS = frozenset({
    "name", "names", "id", "ids", "arn", "arns", "family", "namespace", "ref", "refs", "group", "groups",
    "role", "roles", "host", "hosts", "hostname", "hostnames", "url", "urls", "uri", "endpoint", "endpoints",
    "address", "addr", "instance", "topic", "queue", "bucket", "function", "cluster", "service", "services",
    "target", "targets", "rule", "repository", "selector", "resource", "resources", "principal", "source",
    "destination", "prefix", "identifier", "alias", "domain", "stream", "table", "subject", "issuer",
    "description",
})
_VALUE_KEYS = (b"value", b"Value")
_ENTRY_NAME = re.compile(rb'"(?:name|Name|key|Key|label)":"([^"\\]{1,200})",$')
_ARN = re.compile(r"^arn:aws[a-z-]*:[a-z0-9-]+:([a-z]{2}(?:-[a-z]+)+-[0-9]+)?:([0-9]{12})?:")


@functools.lru_cache(maxsize=8192)
def is_name_key(key: str) -> bool:
    """Whether a value under ``key`` is a name (see the module docstring)."""
    if "/" in key:  # a label or tag key: app.kubernetes.io/instance, tricolor.dev/role
        return True
    parts = words(key)
    return bool(parts) and parts[-1] in _NAME_WORDS


def _key_before(data: bytes, position: int) -> bytes | None:
    """The key of the JSON string that contains ``position`` (``None`` for a list item or
    when it cannot be told, which counts as a name)."""
    start = data.rfind(b'"', 0, position)
    if start <= 0 or data[start - 1:start] != b":" or data[start - 2:start - 1] != b'"':
        return None
    opening = data.rfind(b'"', 0, start - 2)
    if opening < 0:
        return None
    key = data[opening + 1:start - 2]
    if key in _VALUE_KEYS:  # {"name": "UPSTREAM_URL", "value": "..."}: judged by its name
        entry = _ENTRY_NAME.search(data, max(0, opening - 220), opening)
        if entry is not None:
            return entry.group(1)
    return key


def _in_name(data: bytes, position: int) -> bool:
    start = data.rfind(b'"', 0, position)
    if data[start + 1:start + 5] == b"arn:":  # an ARN names something, whatever its key
        return True
    key = _key_before(data, position)
    return key is None or is_name_key(key.decode("utf-8", "replace"))


def _named_only(replacement: bytes) -> Callable[[re.Match[bytes]], bytes]:
    """Replace a match only inside a name-like value."""
    def replace(match: re.Match[bytes]) -> bytes:
        return replacement if _in_name(match.string, match.start()) else match.group(0)
    return replace


def _namespace_key_only(replacement: bytes) -> Callable[[re.Match[bytes]], bytes]:
    """For a namespace that is a bare token: only as part of a longer name-like value,
    or as the whole value of a ``namespace`` key."""
    def replace(match: re.Match[bytes]) -> bytes:
        data, start, end = match.string, match.start(), match.end()
        whole = data[start - 1:start] == b'"' and data[end:end + 1] == b'"'
        if whole:
            return replacement if _key_before(data, start) in (b"namespace", b"Namespace") else match.group(0)
        return replacement if _in_name(data, start) else match.group(0)
    return replace


def _without_separator(pattern: re.Pattern[bytes], data: bytes) -> bytes:
    """Every match of ``pattern`` in a name-like value removed with the separator before it."""
    pieces: list[bytes] = []
    last = 0
    for match in pattern.finditer(data):
        start = match.start() - 1
        if start >= last and _in_name(data, start):
            pieces.append(data[last:start])
            last = match.end()
    if not pieces:
        return data
    pieces.append(data[last:])
    return b"".join(pieces)


_SEPARATOR_TOO = b"<remove the separator too>"


def _revision(match: re.Match[bytes]) -> bytes:
    return match.group(1) + b":{revision}"


_LABELS: list[Pass] = [
    pass_
    for key, placeholder in ((labels.STACK, b"stack"), (labels.ENVIRONMENT, b"environment"))
    for pass_ in (
        (f'"{key}"'.encode(), re.compile(rb'"' + re.escape(key.encode()) + rb'":"[^"]*"'),
         b'"' + key.encode() + b'":"{' + placeholder + b'}"'),
        # Docker's labels: [{"label": "tricolor.dev/stack", "value": "prod"}] (keys sorted)
        (f'"label":"{key}","value":"'.encode(),
         re.compile(rb'"label":"' + re.escape(key.encode()) + rb'","value":"[^"]*"'),
         b'"label":"' + key.encode() + b'","value":"{' + placeholder + b'}"'),
    )
]
# Every pattern starts with a literal (or a small set of characters) and checks what comes
# before it with a look-behind placed *after* that start: a pattern that opens with a
# look-behind is tried at every position of a document, many times slower.
_COMMON: list[Pass] = [
    (b"task-definition/", re.compile(rb"(task-definition/[A-Za-z0-9_-]+):[0-9]+(?=[\"\\])"), _revision),
    # Pulumi's auto-name suffix (``-1a2b3c4`` or 16 hex digits) after a name differs per stack.
    (b"-", re.compile(rb"-(?<=[A-Za-z0-9_]-)[0-9a-f]{7}(?:[0-9a-f]{9})?(?![0-9A-Za-z_])"),
     _named_only(b"-{suffix}")),
]


def _token_passes(token: str, placeholder: bytes) -> list[Pass]:
    raw = re.escape(token.encode())
    return [
        # checkout-blue-config, svc-qa, task_qa: the token and its separator go
        (token.encode(), re.compile(raw + rb"(?![A-Za-z0-9])(?<=[A-Za-z0-9][-_]" + raw + rb")"), _SEPARATOR_TOO),
        # qa-worker, /qa-x: at the start of a name
        (token.encode(), re.compile(raw + rb"[-_](?=[A-Za-z0-9])(?<=[\"/:.@]" + raw + rb"[-_])"), _named_only(b"")),
        # checkout.qa.example.com, /ecs/qa/app: a part of a dotted or slashed name
        (token.encode(), re.compile(raw + rb"(?![A-Za-z0-9_-])(?<=[./:]" + raw + rb")"), _named_only(placeholder)),
    ]


@functools.lru_cache(maxsize=256)
def _passes(stack: str, color: str | None, namespace: str | None, accounts: tuple[str, ...],
            regions: tuple[str, ...]) -> tuple[Pass, ...]:
    passes: list[Pass] = list(_LABELS)
    if namespace:
        ns = re.escape(namespace.encode())
        pattern = re.compile(ns + rb"(?![A-Za-z0-9_-])(?<![A-Za-z0-9_-]" + ns + rb")")
        bare = namespace in (stack, color, *labels.COLORS)
        passes.append((namespace.encode(), pattern, _namespace_key_only(b"{namespace}") if bare else b"{namespace}"))
    for token, placeholder in ((color, b"{color}"), (stack, b"{stack}")):
        if token:
            passes.extend(_token_passes(token, placeholder))
    passes.extend(_COMMON)
    for account in accounts:
        raw = re.escape(account.encode())
        passes.append((account.encode(), re.compile(raw + rb"(?![0-9])(?<![0-9]" + raw + rb")"), b"{account}"))
    for region in regions:
        raw = re.escape(region.encode())
        passes.append((region.encode(), re.compile(raw + rb"(?=[a-z]?(?![A-Za-z0-9-]))(?<![A-Za-z0-9-]" + raw + rb")"),
                       b"{region}"))
    return tuple(passes)


@functools.lru_cache(maxsize=256)
def _name_pattern(stack: str, color: str | None, namespace: str | None) -> re.Pattern[str] | None:
    """Namespace (group 1) or a stack or color token between separators, in a name."""
    parts = [rf"(?<![a-z0-9-])({re.escape(namespace)})(?![a-z0-9-])"] if namespace else []
    tokens = "|".join(re.escape(t) for t in (color, stack) if t)
    if tokens:
        parts.append(rf"(?:(?<=[-_.])|^)(?:{tokens})(?:[-_.]|$)")
    return re.compile("|".join(parts)) if parts else None


@dataclass(frozen=True)
class Affixes:
    """What names one environment: replaced by placeholders so environments line up."""

    stack: str
    color: str | None = None
    namespace: str | None = None
    accounts: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()

    @property
    def tokens(self) -> tuple[str, ...]:
        return tuple(t for t in (self.color, self.stack) if t)

    def without(self, name: str) -> str:
        """``name`` without the stack and color tokens (``checkout-blue-config`` ->
        ``checkout-config``); a name that is only a token or the namespace stays as it is."""
        pattern = _name_pattern(self.stack, self.color, self.namespace)
        if pattern is None or name in (self.stack, self.color, self.namespace):
            return name
        return pattern.sub(lambda m: "{namespace}" if m.lastindex else "", name).strip("-_.") or name

    def apply(self, data: bytes) -> bytes:
        """Replace this environment's names in serialised JSON."""
        for trigger, pattern, replacement in _passes(self.stack, self.color, self.namespace, self.accounts,
                                                      self.regions):
            if trigger in data:
                data = (_without_separator(pattern, data) if replacement is _SEPARATOR_TOO
                        else pattern.sub(replacement, data))
        return data


def learn(bodies: Iterable[Mapping[str, object]]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The account ids and regions of a stack, from its resources' own ARNs (top-level
    ``arn``, ``id`` and ``*Arn`` fields)."""
    accounts: set[str] = set()
    regions: set[str] = set()
    for body in bodies:
        for key, value in body.items():
            if not isinstance(value, str) or not value.startswith("arn:") or not isinstance(key, str) \
                    or not (key in ("arn", "id") or key[-3:] in ("arn", "Arn", "ARN")):
                continue
            found = _ARN.match(value)
            if found:
                regions.update(r for r in found.groups()[:1] if r)
                accounts.update(a for a in found.groups()[1:] if a)
    return tuple(sorted(accounts)), tuple(sorted(regions))
