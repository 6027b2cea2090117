"""What a plan changes: the resources of a stack now against what they were (pure).

Both sides are lists of ``Planned`` resources (a key, a type, a name and the inputs).
The key is the URN without stack and project (the qualified type and the name), so a
state, a saved plan and a render line up. Inputs are compared in one form: secrets
redacted (``vocab.redact``: by name and by structure, so no value of a secret is ever
compared or shown), Pulumi-internal keys (``__defaults``) and volatile annotations
dropped, named lists keyed by name (``env.CART_TTL`` rather than ``env.3``), JSON
documents in strings parsed (policies as sets), whole floats as integers.

Each changed resource lists its changed properties at the deepest path where both
sides still have a mapping: ``data.CART_TTL`` added, ``spec.replicas`` changed from 4
to 6. A list of values, or of items that are added or removed, is compared and shown
whole; a list of as many objects on both sides is followed item by item.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import orjson

from ..vocab.redact import env_pairs, named, redact
from ..vocab.wire import Urn
from .canonical import VOLATILE_ANNOTATIONS
from .documents import is_policy, policy

__all__ = ["Planned", "PropertyChange", "ResourceChange", "StackChanges", "diff_stack", "planned", "plan_form"]

Action = Literal["add", "change", "delete"]
PropertyAction = Literal["add", "change", "remove"]


@dataclass(frozen=True)
class Planned:
    """One resource of one side: ``key`` is ``<qualified type>::<name>``."""

    key: str
    type: str
    name: str
    inputs: Mapping[str, Any]


def planned(urn: str, inputs: Any) -> Planned:
    """A resource from its URN and inputs (``ValueError`` when the URN is not one)."""
    parsed = Urn.parse(urn)
    return Planned(f"{parsed.qualified_type}::{parsed.name}", parsed.type, parsed.name,
                   inputs if isinstance(inputs, Mapping) else {})


@dataclass(frozen=True)
class PropertyChange:
    path: str
    action: PropertyAction
    old: Any = None
    new: Any = None


@dataclass(frozen=True)
class ResourceChange:
    action: Action
    key: str
    type: str
    name: str
    properties: tuple[PropertyChange, ...] = ()


@dataclass(frozen=True)
class StackChanges:
    """The changes of one stack; ``base`` says what it was compared with."""

    stack: str
    base: str
    resources: tuple[ResourceChange, ...] = field(default_factory=tuple)

    def count(self, action: Action) -> int:
        return sum(1 for r in self.resources if r.action == action)

    @property
    def counts(self) -> dict[str, int]:
        actions: tuple[Action, ...] = ("add", "change", "delete")
        return {action: self.count(action) for action in actions}


def _walk(value: Any, key: str = "") -> Any:
    if isinstance(value, Mapping):
        if is_policy(value):
            value = policy(value)
        out = {}
        for k, v in value.items():
            k = str(k)
            if k.startswith("__") or (key == "annotations" and k in VOLATILE_ANNOTATIONS):
                continue
            out[k] = _walk(v, k)
        return out
    if isinstance(value, list):
        keyed = env_pairs(value) if key == "envs" else named(value)
        return _walk(keyed, key) if keyed is not None else [_walk(v, key) for v in value]
    if isinstance(value, str) and value[:1] in "[{" and value[-1:] in "]}" and len(value) > 1:
        try:
            return _walk(redact(orjson.loads(value), key), key)
        except orjson.JSONDecodeError:
            return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def plan_form(inputs: Mapping[str, Any], type_: str) -> Any:
    """The one form both sides are compared in (see the module docstring)."""
    return _walk(redact(inputs, type_=type_))


def _properties(old: Any, new: Any, path: tuple[str, ...], out: list[PropertyChange]) -> None:
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        for key in sorted(set(old) | set(new), key=str):
            here = (*path, str(key))
            if key not in old:
                out.append(PropertyChange(".".join(here), "add", None, new[key]))
            elif key not in new:
                out.append(PropertyChange(".".join(here), "remove", old[key], None))
            elif not (type(old[key]) is type(new[key]) and old[key] == new[key]):
                _properties(old[key], new[key], here, out)
        return
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new) \
            and not all(isinstance(v, (str, int, float, bool, type(None))) for v in (*old, *new)):
        for index, (a, b) in enumerate(zip(old, new, strict=True)):
            if not (type(a) is type(b) and a == b):
                _properties(a, b, (*path, str(index)), out)
        return
    out.append(PropertyChange(".".join(path) or "(inputs)", "change", old, new))


def _index(resources: Iterable[Planned]) -> dict[str, Planned]:
    out: dict[str, Planned] = {}
    for resource in resources:
        out.setdefault(resource.key, resource)
    return out


def diff_stack(stack: str, base: Sequence[Planned], new: Sequence[Planned], base_label: str) -> StackChanges:
    """What turns ``base`` into ``new``: resources to add, change and delete, in key order."""
    before, after = _index(base), _index(new)
    changes: list[ResourceChange] = []
    for key in sorted(set(before) | set(after)):
        if key not in before:
            r = after[key]
            changes.append(ResourceChange("add", key, r.type, r.name))
        elif key not in after:
            r = before[key]
            changes.append(ResourceChange("delete", key, r.type, r.name))
        else:
            old, now = plan_form(before[key].inputs, before[key].type), plan_form(after[key].inputs, after[key].type)
            if old != now:
                found: list[PropertyChange] = []
                _properties(old, now, (), found)
                if found:
                    r = after[key]
                    changes.append(ResourceChange("change", key, r.type, r.name, tuple(found)))
    return StackChanges(stack, base_label, tuple(changes))
