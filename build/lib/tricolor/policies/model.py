"""Plain data the rules work on: resources, findings, violations, rules.

A rule is a pure function over plain resource data (type, name, URN, properties as
dicts and lists). The same function runs inside the CrossGuard pack (``__main__.py``),
over what ``tricolor plan`` renders, and over a ``pulumi stack export`` / checkpoint
file; nothing here imports Pulumi.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict

# The CrossGuard pack's name and version (PulumiPolicy.yaml holds the same version).
PACK_NAME = "tricolor-policies"
PACK_VERSION = "0.1.0"

Enforcement = Literal["advisory", "mandatory", "disabled"]
ENFORCEMENTS: tuple[str, ...] = ("advisory", "mandatory", "remediate", "disabled")
RuleKind = Literal["resource", "stack", "stacks"]

# Placeholders put where a value cannot be seen: an unknown value of a preview, a secret.
UNKNOWN = "[unknown]"
SECRET = "[secret]"
# Pulumi's sentinels for unknown values (pulumi_policy/proxy.py, Pulumi state files).
UNKNOWN_SENTINELS = frozenset(
    {
        "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
        "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
        "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
        "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
        "030794c1-ac77-496b-92df-f27374a8bd58",
        "e48ece36-62e2-4504-bad9-02848725956a",
        "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
    }
)
SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"


def plain(value: Any) -> Any:
    """``value`` as plain dicts, lists and scalars: unknowns become ``UNKNOWN``, secret
    envelopes ``SECRET`` (the value is never kept), assets and archives their hash."""
    if isinstance(value, Mapping):
        if SIG_KEY in value:
            if value[SIG_KEY] == SECRET_SIG or "ciphertext" in value or "plaintext" in value:
                return SECRET
            return {"hash": value.get("hash")}
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, str) and value in UNKNOWN_SENTINELS:
        return UNKNOWN
    return value


def is_opaque(value: Any) -> bool:
    """Whether ``value`` cannot be judged (unknown during a preview, or a secret)."""
    return value in (UNKNOWN, SECRET)


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
        parts = self.urn.split("::")
        if len(parts) >= 3 and parts[0].startswith("urn:pulumi:"):
            return parts[0][len("urn:pulumi:") :]
        return None

    def describe(self) -> str:
        return f"{self.type} {self.name!r}"


@dataclass(frozen=True)
class Context:
    """What a rule knows beyond the resource: its stack and the stack's environment
    (``production``, ``staging``, ``preview``) when the caller knows it."""

    stack: str | None = None
    environment: str | None = None


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
