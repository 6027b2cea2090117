"""Compare environments: a fingerprint per resource first, deepdiff only where they differ.

Pure functions over ``Snapshot``s. Each difference is classified: ``allowed`` when the
spec's ``parity.allowed`` (or the release engine) covers its field, ``ignored`` when the
ignore rules cover it, ``drift`` otherwise.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .errors import DriftError
from .ignore import IgnoreRules
from .mapping import allowed_reason
from .model import Difference, DriftResult, Kind, Resource, Snapshot
from .normalize import SECRET_TEXT, UNKNOWN_TEXT

_MISSING = object()


def _get(document: Any, path: Sequence[str]) -> Any:
    node = document
    for key in path:
        if isinstance(node, dict):
            if key not in node:
                return _MISSING
            node = node[key]
        elif isinstance(node, list):
            try:
                node = node[int(key)]
            except (ValueError, IndexError):
                return _MISSING
        else:
            return _MISSING
    return node


def _narrow(a: Any, b: Any, path: tuple[str, ...], out: list[tuple[tuple[str, ...], Any, Any]]) -> None:
    """Descend through mappings while subtrees differ (``==`` is cheap); collect the
    smallest differing non-mapping subtrees for deepdiff."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in a.keys() | b.keys():
            left, right = a.get(key, _MISSING), b.get(key, _MISSING)
            if left is _MISSING or right is _MISSING:
                out.append((path + (str(key),), None, None))
            elif left != right:
                _narrow(left, right, path + (str(key),), out)
    else:
        out.append((path, a, b))


def field_paths(documents: Sequence[Any]) -> list[tuple[str, ...]]:
    """Paths at which any document differs from the first, shallowest only: mappings
    are narrowed with ``==``, the differing lists and values are compared by deepdiff."""
    first, paths = documents[0], set()
    for other in documents[1:]:
        pending: list[tuple[tuple[str, ...], Any, Any]] = []
        _narrow(first, other, (), pending)
        for prefix, left, right in pending:
            if left is None and right is None or not isinstance(left, list) or not isinstance(right, list):
                paths.add(prefix)  # a key on one side only, or a changed value: the path itself
                continue
            from deepdiff import DeepDiff  # imported only when lists differ

            tree = DeepDiff(left, right, view="tree", ignore_order=False)
            for levels in tree.values():
                for level in levels:
                    paths.add(prefix + tuple(str(p) for p in level.path(output_format="list")))
    ordered = sorted(paths, key=lambda p: (len(p), p))
    kept: list[tuple[str, ...]] = []
    for path in ordered:
        if not any(path[:len(k)] == k for k in kept):
            kept.append(path)
    return sorted(kept)


def _is_color(values: Mapping[str, Any], colors: Mapping[str, str | None]) -> bool:
    """Whether every value present is its environment's own color (a color label, a
    log prefix, a header value): the color, which exists to differ."""
    present = [(label, v) for label, v in values.items() if v is not None]
    return bool(present) and all(colors.get(label) is not None and v == colors[label] for label, v in present)


def classify(resource: str, type_: str, path: tuple[str, ...], values: Mapping[str, Any], kind: Kind,
             allowed: Sequence[str], ignore: IgnoreRules) -> Difference:
    dotted = ".".join(path)
    reason = allowed_reason(type_, path, allowed)
    if reason:
        return Difference(resource, type_, dotted, dict(values), kind, "allowed", reason)
    reason = ignore.reason(resource, dotted)
    if reason:
        return Difference(resource, type_, dotted, dict(values), kind, "ignored", reason)
    return Difference(resource, type_, dotted, dict(values), kind, "drift")


def _roles(snapshots: Iterable[Snapshot]) -> list[str]:
    seen: dict[str, None] = {}
    for snapshot in snapshots:
        seen.update(dict.fromkeys(snapshot.resources))
    return sorted(seen)


def compare(snapshots: Sequence[Snapshot], allowed: Sequence[str],
            ignore: IgnoreRules | None = None) -> DriftResult:
    """Every difference between ``snapshots`` (two or more environments)."""
    labels = tuple(s.environment for s in snapshots)
    if len(labels) < 2:
        raise DriftError(f"drift compares two or more environments; got {', '.join(labels) or 'none'}")
    if len(set(labels)) != len(labels):
        raise DriftError(f"environment labels must be unique; got {', '.join(labels)}")
    ignore = ignore or IgnoreRules()
    differences: list[Difference] = []
    equal = unknown = 0
    roles = _roles(snapshots)
    colors = {s.environment: s.color for s in snapshots}
    types: dict[str, str] = {}
    for role in roles:
        present: dict[str, Resource] = {s.environment: s.resources[role] for s in snapshots
                                        if role in s.resources}
        type_ = types[role] = next(iter(present.values())).type
        if len(present) < len(labels):
            names = {label: present[label].name if label in present else None for label in labels}
            differences.append(classify(role, type_, (), names, "missing", allowed, ignore))
        if len(present) < 2 or len({r.fingerprint for r in present.values()}) == 1:
            equal += len(present) >= 2
            continue
        documents = {label: resource.fields for label, resource in present.items()}
        for path in field_paths(list(documents.values())):
            found = {label: _get(doc, path) for label, doc in documents.items()}
            if any(v == UNKNOWN_TEXT for v in found.values() if isinstance(v, str)):
                unknown += 1
                continue
            kind: Kind = "missing" if any(v is _MISSING for v in found.values()) else "changed"
            values = {label: (None if found.get(label, _MISSING) is _MISSING else found[label]) for label in labels}
            if any(v == SECRET_TEXT for v in values.values() if isinstance(v, str)):
                # Secret in one environment, plain text in another: report it, show neither.
                values = {label: None if v is None else SECRET_TEXT for label, v in values.items()}
            difference = classify(role, type_, path, values, kind, allowed, ignore)
            if difference.status != "allowed" and _is_color(values, colors):
                difference = dataclasses.replace(difference, status="allowed",
                                                 reason="release-managed: color (each value is its color)")
            differences.append(difference)
    return DriftResult(
        environments=labels,
        differences=tuple(sorted(differences, key=lambda d: (d.resource, d.path))),
        resources=len(roles),
        fingerprinted_equal=equal,
        unknown=unknown,
        sources={s.environment: s.source for s in snapshots},
        roles=tuple(roles),
        types=types,
    )
