"""Revisions: what one color runs, as data (pure, no Pulumi here).

A revision is the image plus everything the spec renders into ONE color: the port, the
environment, the secret references and the version of each secret value, resources,
probes, replicas, autoscaling, the disruption budget and the dependency wiring (which
variable receives which attribute of which dependency). Its ``digest`` is a content
hash of exactly that; two specs that render a color alike have the same digest.

What the stack shares (the name, the routing, the dependencies themselves: kind,
version, size, credentials) is not part of a color's digest; ``shared_digest`` hashes
it apart, so a release can tell a change of the colors from a change of the shared
resources (which is not canaried).

Invariants:

- a revision stores the effective spec (overrides applied) without ``release`` and
  ``parity``: enough to render the color again (``spec_of``), and never a secret value:
  secrets appear as references (``{config: key}``) and as VERSIONS, a salted, slow,
  truncated hash of the value (``secret_version``), never the value itself;
- ``spec_of`` rebuilds the spec from the stored data, taking only ``release`` and
  ``parity`` from today's spec (an optional key absent from the stored data is absent
  from the rebuilt spec, never filled in from today's).
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .errors import Problem, SpecError
from .model import ServiceSpec
from .stack import Stack, full_key

__all__ = ["COLOR_FIELDS", "UNSET", "Revision", "color_content", "config_key", "digest", "next_number",
           "revision_of", "secret_version", "secret_versions", "shared_content", "shared_digest", "spec_data",
           "spec_of", "stack_at"]

#: the spec's keys (as written in service.yaml) rendered into each color
COLOR_FIELDS = ("port", "env", "secrets", "resources", "probes", "replicas", "autoscaling", "disruptionBudget")
#: the spec's keys that only a release reads: never stored with a revision
NOT_RENDERED = ("release", "parity")
#: the version of a secret whose config is not set
UNSET = "unset"
ITERATIONS = 100_000


class Revision(BaseModel):
    """One revision of a stack, as the ledger keeps it (``r8``: the 8th of the stack)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)  # built when first used (start-up)

    id: str
    number: int = Field(ge=0)
    image: str
    digest: str  # the content hash of what the spec renders into a color (and its secret versions)
    shared: str = ""  # the content hash of what the colors share
    spec: dict[str, Any]  # the effective spec without release and parity: renders the color again
    secrets: dict[str, str] = Field(default_factory=dict)  # spec secret -> version of its value
    created_at: float = 0.0
    by: str = ""

    @property
    def label(self) -> str:
        """``r8 (ghcr.io/acme/checkout:1.5.0, config 3f2a9c1d07b4)``."""
        return f"{self.id} ({self.image}, config {self.digest})"

    def same_as(self, other: Revision | None) -> bool:
        """Does ``other`` run exactly this (image and config)?"""
        return other is not None and other.image == self.image and other.digest == self.digest


def config_key(stack: Stack, variable: str) -> str:
    """The full config key (``tricolor:databasePassword``) of the spec secret ``variable``."""
    return full_key(stack.spec.secrets[variable].config)


@functools.lru_cache(maxsize=256)
def secret_version(stack: str, key: str, value: str | None) -> str:
    """The version of a secret config value: 16 hex digits of PBKDF2-SHA256 (100,000
    rounds) salted with the stack and the key, so nothing about the value can be read
    back from it and the same value in two stacks has two versions; ``unset`` when the
    config has no value."""
    if value is None:
        return UNSET
    salt = f"tricolor/secret-version/{stack}/{key}".encode()
    return hashlib.pbkdf2_hmac("sha256", value.encode(), salt, ITERATIONS, dklen=8).hex()


def secret_versions(stack: Stack, values: Mapping[str, Any]) -> dict[str, str]:
    """Per spec secret, the version of its value in ``values`` (config key -> value)."""
    out = {}
    for variable in sorted(stack.spec.secrets):
        key = config_key(stack, variable)
        value = values.get(key)
        out[variable] = secret_version(stack.name, key, value if isinstance(value, str) else
                                       None if value is None else json.dumps(value, sort_keys=True))
    return out


def spec_data(spec: ServiceSpec) -> dict[str, Any]:
    """What a revision stores of a spec: everything but ``release`` and ``parity``."""
    return {k: v for k, v in spec.as_data().items() if k not in NOT_RENDERED}


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str).encode()


def color_content(data: Mapping[str, Any], secrets: Mapping[str, str]) -> dict[str, Any]:
    """What the spec ``data`` renders into one color, with the secrets' versions."""
    wiring = {dep.get("name"): dep.get("env", {}) for dep in data.get("dependencies", []) if isinstance(dep, dict)}
    return {"fields": {k: data.get(k) for k in COLOR_FIELDS}, "wiring": wiring, "secret_versions": dict(secrets)}


def shared_content(data: Mapping[str, Any], secrets: Mapping[str, str]) -> dict[str, Any]:
    """What the colors share: name, routing, the dependencies (without their wiring) and
    the versions of the secrets the dependencies hold (their credentials)."""
    deps = [{k: v for k, v in dep.items() if k != "env"} for dep in data.get("dependencies", [])
            if isinstance(dep, dict)]
    credentials = sorted({str(d["credentials"]) for d in deps if d.get("credentials")})
    return {"name": data.get("name"), "routing": data.get("routing"), "dependencies": deps,
            "secret_versions": {k: secrets.get(k, UNSET) for k in credentials}}


def digest(data: Mapping[str, Any], secrets: Mapping[str, str]) -> str:
    """12 hex digits of the SHA-256 of what ``data`` renders into a color."""
    return hashlib.sha256(_canonical(color_content(data, secrets))).hexdigest()[:12]


def shared_digest(data: Mapping[str, Any], secrets: Mapping[str, str]) -> str:
    return hashlib.sha256(_canonical(shared_content(data, secrets))).hexdigest()[:12]


def next_number(known: list[Revision] | tuple[Revision, ...]) -> int:
    """The number of the next revision of a stack: one above every one it knows."""
    return max((r.number for r in known), default=0) + 1


def revision_of(stack: Stack, image: str, secrets: Mapping[str, str], number: int, now: float = 0.0,
                by: str = "") -> Revision:
    """The revision ``r<number>``: ``image`` on the stack's effective spec as it is now."""
    data = spec_data(stack.spec)
    return Revision(id=f"r{number}", number=number, image=image, digest=digest(data, secrets),
                    shared=shared_digest(data, secrets), spec=data, secrets=dict(secrets), created_at=now, by=by)


def spec_of(revision: Revision, today: ServiceSpec) -> ServiceSpec:
    """The spec ``revision`` was made from (``release`` and ``parity`` from ``today``)."""
    data = {**{k: v for k, v in today.as_data().items() if k in NOT_RENDERED}, **revision.spec}
    try:
        return ServiceSpec.model_validate(data)
    except (ValueError, SpecError) as exc:
        raise SpecError(Problem(f"ledger revision {revision.id}", "spec",
                                f"the spec stored with revision {revision.id} no longer validates: "
                                f"{str(exc)[:300]}")) from None


def stack_at(stack: Stack, revision: Revision | None) -> Stack:
    """``stack`` with the spec of ``revision`` (``stack`` itself when there is none)."""
    return stack if revision is None else replace(stack, spec=spec_of(revision, stack.spec))
