"""Pulumi's wire format, as it appears in checkpoints, exports and the mock runtime.

- A special value is a mapping with the signature key ``SIG_KEY`` whose value says what
  it is: a secret (``{"ciphertext"}`` in state, ``{"value"}`` on the wire), an asset, an
  archive, a resource reference, or an output value (``{"value"?, "secret"?,
  "dependencies"?}``; no ``value`` means unknown).
- Unknown values (during a preview) are sentinel strings: one for the engine, one per
  type for CrossGuard.
- A URN is ``urn:pulumi:<stack>::<project>::<qualified type>::<name>``, where the
  qualified type is the parent types and the resource's own type joined by ``$``.

``plain`` turns any of it into plain data without ever keeping a secret's value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

# pulumi/sdk/python/lib/pulumi/runtime/rpc.py
SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17"
ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7"
RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4"

#: the engine's unknown value (also CrossGuard's unknown string)
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
#: every unknown sentinel: the engine's, and CrossGuard's per type (pulumi_policy/proxy.py)
UNKNOWN_SENTINELS = frozenset({
    UNKNOWN,
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",  # boolean
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",  # number
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",  # array
    "030794c1-ac77-496b-92df-f27374a8bd58",  # asset
    "e48ece36-62e2-4504-bad9-02848725956a",  # archive
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",  # object
})

#: what tricolor shows instead of a secret, and instead of an unknown value
SECRET_TEXT = "[secret]"
UNKNOWN_TEXT = "[unknown]"

EnvelopeKind = Literal["secret", "asset", "archive", "resource", "output", "other"]
_KINDS: dict[str, EnvelopeKind] = {SECRET_SIG: "secret", ASSET_SIG: "asset", ARCHIVE_SIG: "archive",
                                   RESOURCE_SIG: "resource", OUTPUT_SIG: "output"}


def envelope_kind(value: Any) -> EnvelopeKind | None:
    """What special value ``value`` is, or ``None`` when it is plain data."""
    if isinstance(value, Mapping) and SIG_KEY in value:
        return _KINDS.get(str(value[SIG_KEY]), "other")
    return None


def is_unknown(value: Any) -> bool:
    return isinstance(value, str) and value in UNKNOWN_SENTINELS


def is_secret(value: Any) -> bool:
    """A secret envelope, or an output value marked secret."""
    kind = envelope_kind(value)
    return kind == "secret" or (kind == "output" and bool(value.get("secret")))


def is_opaque(value: Any) -> bool:
    """A value nobody can judge: unknown, secret, or already shown as such."""
    return value in (SECRET_TEXT, UNKNOWN_TEXT) or is_unknown(value) or is_secret(value)


def plain(value: Any) -> Any:
    """``value`` as plain dicts, lists and scalars: secrets become ``SECRET_TEXT`` (their
    value is never kept), unknowns ``UNKNOWN_TEXT``, assets and archives
    ``{"kind", "hash"}``, resource references their URN, output values their value."""
    kind = envelope_kind(value)
    if kind is not None:
        if kind == "secret" or "ciphertext" in value or "plaintext" in value:
            return SECRET_TEXT
        if kind in ("asset", "archive"):
            return {"kind": kind, "hash": value.get("hash")}
        if kind == "resource":
            return value.get("urn")
        if kind == "output":
            if value.get("secret"):
                return SECRET_TEXT
            return plain(value["value"]) if "value" in value else UNKNOWN_TEXT
        return {str(k): plain(v) for k, v in value.items() if k != SIG_KEY}
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if is_unknown(value):
        return UNKNOWN_TEXT
    return value


@dataclass(frozen=True)
class Urn:
    """A parsed Pulumi URN."""

    stack: str
    project: str
    qualified_type: str  # parent types and the own type, joined by ``$``
    name: str

    @property
    def type(self) -> str:
        """The resource's own type (the last of the qualified type)."""
        return self.qualified_type.rsplit("$", 1)[-1]

    @property
    def parent_types(self) -> tuple[str, ...]:
        return tuple(self.qualified_type.split("$")[:-1])

    @classmethod
    def parse(cls, urn: str) -> Urn:
        """Parse ``urn``; ``ValueError`` naming it when it is not a Pulumi URN."""
        parts = urn.split("::", 3) if isinstance(urn, str) else []
        if len(parts) != 4 or not parts[0].startswith("urn:pulumi:") or not parts[2] or not parts[3]:
            raise ValueError(f"{str(urn)[:200]!r} is not a Pulumi URN (urn:pulumi:STACK::PROJECT::TYPE::NAME)")
        return cls(parts[0][len("urn:pulumi:"):], parts[1], parts[2], parts[3])

    def __str__(self) -> str:
        return f"urn:pulumi:{self.stack}::{self.project}::{self.qualified_type}::{self.name}"


def urn_name(urn: str | None) -> str | None:
    """The name part of a URN (its last ``::`` field), or ``None``."""
    return urn.rsplit("::", 1)[-1] if urn else None
