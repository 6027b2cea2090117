"""Plain data the rules work on: resources, findings, violations, rules.

A rule is a pure function over plain resource data (type, name, URN, properties as
dicts and lists). The same function runs inside the CrossGuard pack (``__main__.py``),
over what ``tricolor plan`` renders, and over a ``pulumi stack export`` / checkpoint
file; nothing here imports Pulumi. Pulumi's wire format (secret and unknown values,
URNs) is read through ``tricolor.vocab.wire``, never here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict

from ..vocab.wire import Urn

# The CrossGuard pack's name and version (PulumiPolicy.yaml holds the same version).
PACK_NAME = "tricolor-policies"
PACK_VERSION = "0.1.0"

Enforcement = Literal["advisory", "mandatory", "disabled"]
ENFORCEMENTS: tuple[str, ...] = ("advisory", "mandatory", "remediate", "disabled")
RuleKind = Literal["resource", "stack", "stacks"]

@dataclass(frozen=True)
class Resource:
    """One resource as the rules see it."""

    type: str
    name: str
    urn: str
    props: Mapping[str, Any] = field(default_factory=dict)
    parent: str | None = None

    @property
    def stack(self) -> str | None:
        """The stack named in the URN (``urn:pulumi:<stack>::<project>::...``)."""
        try:
            return Urn.parse(self.urn).stack
        except ValueError:
            return None

    def describe(self) -> str:
        name = self.name if len(self.name) <= 120 else f"{self.name[:120]}..."
        return f"{self.type} {name!r}"


@dataclass(frozen=True)
class Context:
    """What a rule knows beyond the resource: its stack, the stack's environment
    (``production``, ``staging``, ``preview``) when the caller knows it and what told it
    (``environment_source``: the stack config, ``--environment``), and whether the stack
    holds a blue/green pair (which only production has). ``environment.infer`` weighs
    these with the resource's own labels."""

    stack: str | None = None
    environment: str | None = None
    environment_source: str = "the stack's tricolor:environment"
    paired: bool = False


@dataclass(frozen=True)
class Finding:
    """One problem a rule found; ``urn`` is the resource it is about (``None``: the stack)."""

    message: str
    urn: str | None = None


@dataclass(frozen=True)
class Violation:
    """A finding with its rule and the enforcement level in force."""

    policy: str
    resource: str
    message: str
    enforcement: Enforcement
    stack: str | None = None
    description: str = ""

    @property
    def mandatory(self) -> bool:
        return self.enforcement == "mandatory"

    def as_json(self) -> dict[str, str]:
        return {
            "policy": self.policy,
            "resource": self.resource,
            "message": self.message,
            "enforcement": self.enforcement,
        }


class Options(BaseModel):
    """Base of every rule's options: camelCase keys as in Pulumi policy config, no unknown keys."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class ResourceCheck(Protocol):
    def __call__(self, resource: Resource, options: Any, context: Context) -> list[Finding]: ...


class StackCheck(Protocol):
    def __call__(self, resources: Sequence[Resource], options: Any, context: Context) -> list[Finding]: ...


@dataclass(frozen=True)
class Rule:
    """A rule: its name (the CrossGuard policy name), what it guards, its default
    enforcement, its options model (the config schema) and its pure check.

    ``kind`` says what the check receives: one resource, every resource of one stack,
    or (``stacks``) the resources of several stacks, which only the offline runner has.
    """

    name: str
    description: str
    kind: RuleKind
    enforcement: Enforcement
    options: type[Options]
    check: Any  # ResourceCheck for "resource"; StackCheck for "stack"; see rules_cross_stack

    def config_schema(self) -> dict[str, dict[str, Any]]:
        """The JSON schema of the rule's options, as CrossGuard's ``PolicyConfigSchema`` wants."""
        schema = self.options.model_json_schema(by_alias=True)
        properties: dict[str, dict[str, Any]] = {}
        for key, prop in schema.get("properties", {}).items():
            properties[key] = {k: v for k, v in prop.items() if k != "title"}
        return properties
