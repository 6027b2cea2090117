"""Snapshots of a stack: its resources by role, in their cheap normal form.

Roles align resources across environments: the resource type and its name with the
stack and color tokens taken out (``checkout-blue-deployment`` -> ``checkout-deployment``).
A production stack becomes one snapshot per color; shared resources (no color) belong to
both, and routers are seen per color (``views``). The account ids and regions of the
stack are learnt once from its resources' ARNs (``names.learn``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

from ..vocab import labels as vocab_labels
from ..vocab.wire import Urn
from .canonical import canonical
from .errors import SourceError
from .model import Resource, Snapshot
from .names import Affixes, learn
from .views import router_view

if TYPE_CHECKING:
    from ..stacks.render import Rendered

__all__ = ["Item", "build_snapshots", "color_of", "guess_namespace", "role_from_urn", "snapshots_from_rendered"]


def color_of(name: str | None, labels: Mapping[str, Any] | None = None) -> str | None:
    """The color a resource belongs to: its ``tricolor.dev/color`` label or tag, else a
    color word in its name; a resource whose whole name *is* a color (``green``) is
    named so, not colored, and counts as shared."""
    labelled = labels is not None and labels.get(vocab_labels.COLOR) in vocab_labels.COLORS
    if not labelled and (name in vocab_labels.COLORS or not any(c in (name or "") for c in vocab_labels.COLORS)):
        return None  # named exactly a color, or no color word at all (the common case, fast)
    return vocab_labels.color_of(name, labels)


def role_from_urn(urn: str, color: str | None = None) -> str:
    parsed = Urn.parse(urn)
    return f"{parsed.type}::{Affixes(parsed.stack, color).without(parsed.name)}"


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


def _canonical(item: Item, body: Mapping[str, Any], affixes: Affixes, stack: str) -> bytes:
    try:
        return canonical(body, affixes, item.type)
    except (orjson.JSONEncodeError, TypeError, RecursionError) as exc:
        raise SourceError(f"stack {stack}: resource {item.type}::{item.name[:200]} cannot be read: {exc}") from None


def build_snapshots(stack: str, items: Sequence[Item], colors: Sequence[str] | None = None,
                    namespace: str | None = None, source: str = "") -> list[Snapshot]:
    """Snapshots of one stack: one environment (labelled with the stack name), or one per
    color when the stack has colors; shared resources and routers belong to each color."""
    if colors is None:
        colors = sorted({item.color for item in items if item.color in vocab_labels.COLORS and item.color})
    if namespace is None:
        namespace = guess_namespace(items)
    accounts, regions = learn(item.body for item in items)
    targets: list[tuple[str, str | None]] = (
        [(f"{stack}/{c}", c) for c in colors] if colors else [(stack, None)])
    shared = Affixes(stack, None, namespace, accounts, regions)  # shared resources name both colors: kept
    shared_forms: dict[int, bytes] = {}  # a shared resource's form is the same in every color
    snapshots = []
    for label, color in targets:
        affixes = Affixes(stack, color, namespace, accounts, regions)
        resources: dict[str, Resource] = {}
        for number, item in enumerate(items):
            if color is not None and item.color not in (None, color):
                continue
            role = f"{item.type}::{affixes.without(item.name)}"
            if role in resources:
                role = f"{role}#{sum(1 for r in resources if r.startswith(role)) + 1}"
            body = router_view(item.type, item.body, color)
            if item.color is not None or body is not item.body:
                form = _canonical(item, body, affixes, stack)
            else:
                if number not in shared_forms:
                    shared_forms[number] = _canonical(item, body, shared, stack)
                form = shared_forms[number]
            resources[role] = Resource(role, item.type, item.name, form)
        snapshots.append(Snapshot(stack=stack, environment=label, resources=resources, source=source,
                                  color=color))
    return snapshots


def snapshots_from_rendered(rendered: Rendered) -> list[Snapshot]:
    """Snapshots of an offline-rendered stack (``tricolor.stacks.render``): a blue-green
    production stack becomes its blue and green environments, any other stack (a rolling
    production among them) one environment."""
    stack = rendered.stack
    items = []
    for resource in rendered.resources:
        if not resource.custom:
            continue
        urn = Urn.parse(resource.urn)
        found = vocab_labels.labels_of(urn.type, resource.inputs)
        items.append(Item(urn.type, urn.name, resource.inputs, color_of(urn.name, found)))
    two_colors = stack.environment == "production" and stack.spec.release.strategy != "rolling"
    colors = list(vocab_labels.COLORS) if two_colors else []
    return build_snapshots(stack.name, items, colors=colors, source="rendered")
