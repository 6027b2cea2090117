"""Revisions in a release: which revision each color runs, which one a release deploys,
and what deploying it changes, per color and in the resources both colors share.

A release deploys a revision: with ``--image`` the new image on the spec as it is now;
without, the spec as it is now on the image the active color runs (a config-only
release). ``Candidate`` is that revision before it has an id; ``choose`` gives it one:
the id of a revision the stack already knows with the same image and content (a retry,
a release of what the idle color already runs), else the next ``r<n>`` of the stack.

Refused, with a sentence a person reads (``refusal``): a release whose revision is the
one the active color runs (nothing changed), and one that changes resources the colors
share (the namespace, a Secret both read, the databases: they change for both colors at
once, not canaried) unless ``--include-shared`` is given.

A ledger from before revisions names none: the colors are then taken to run their
images on the spec as it is (``baseline``), which is what the program built for them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Protocol

from ..drift.changes import StackChanges, diff_stack, planned
from ..spec.revision import (
    Revision,
    config_key,
    digest,
    next_number,
    secret_version,
    secret_versions,
    shared_digest,
    spec_data,
)
from ..spec.stack import Stack, full_key
from ..spec.weights import COLORS, Color
from ..stacks.config import StackInput
from ..stacks.render import SECRET_TEXT, Rendered, render
from ..stacks.state import ReleaseState
from ..vocab.labels import color_in
from ..vocab.wire import Urn
from .errors import LedgerError
from .record import InForce, LedgerRecord

__all__ = ["Candidate", "PARTS", "SecretConfig", "baseline", "bodies", "candidate_of", "changes_by_part",
           "choose", "config_versions", "part_of", "prepare_state", "refusal", "release_state", "render_state",
           "replace_shared", "shared_changes", "stale_secrets", "with_changes"]

#: what a resource of a production stack belongs to
PARTS = ("blue", "green", "shared", "router")


class SecretConfig(Protocol):
    """Where the values of secret config are read (an applier that can read them)."""

    def secret_config(self, keys: list[str]) -> Mapping[str, str | None]: ...


@dataclass(frozen=True)
class Candidate:
    """What a release would deploy, before it has an id: ``image`` (``None``: the active
    color's, a config-only release) on ``spec`` with the versions of the secret values."""

    image: str | None
    spec: dict[str, object]
    secrets: dict[str, str]
    digest: str
    shared: str
    include_shared: bool = False
    #: the shared resources the release changes, as a render of both states showed them
    #: (``None``: not rendered; the shared digests decide)
    shared_changes: tuple[str, ...] | None = None


def config_versions(item: StackInput, source: SecretConfig | None = None) -> dict[str, str]:
    """The versions of the spec's secret values: read from ``source`` (the Automation API
    reads the stack's real config), else from the stack file as a render reads it (a
    secure value that cannot be decrypted offline is its placeholder, as in the render)."""
    stack = item.stack
    keys = [config_key(stack, v) for v in sorted(stack.spec.secrets)]
    if source is not None:
        values = dict(source.secret_config(keys))
    else:
        values = {k: item.config.get(k, SECRET_TEXT) for k in keys}
    return secret_versions(stack, values)


def stale_secrets(candidate: Candidate, stack: str, source: SecretConfig) -> list[str]:
    """The spec secrets whose value in the config is no longer the one ``candidate``
    recorded (a retry would deploy values the config does not hold)."""
    refs = candidate.spec.get("secrets")
    keys = {v: full_key(str(r["config"]))
            for v, r in (refs.items() if isinstance(refs, dict) else []) if isinstance(r, dict) and "config" in r}
    values = dict(source.secret_config(sorted(keys.values())))
    return sorted(v for v, key in keys.items()
                  if secret_version(stack, key, values.get(key)) != candidate.secrets.get(v))


def candidate_of(stack: Stack, image: str | None, secrets: Mapping[str, str] | None = None,
                 include_shared: bool = False) -> Candidate:
    """The revision ``stack``'s spec makes with ``image``; ``secrets`` default to the
    versions of the placeholders a render without the values uses."""
    versions = dict(secrets) if secrets is not None else secret_versions(
        stack, {config_key(stack, v): SECRET_TEXT for v in stack.spec.secrets})
    data = spec_data(stack.spec)
    return Candidate(image=image, spec=data, secrets=versions, digest=digest(data, versions),
                     shared=shared_digest(data, versions), include_shared=include_shared)


def _revision(candidate: Candidate, image: str, number: int, now: float, by: str) -> Revision:
    return Revision(id=f"r{number}", number=number, image=image, digest=candidate.digest, shared=candidate.shared,
                    spec=dict(candidate.spec), secrets=dict(candidate.secrets), created_at=now, by=by)


def _find(known: Iterable[Revision], image: str, candidate: Candidate) -> Revision | None:
    return next((r for r in known if r.image == image and r.digest == candidate.digest
                 and r.shared == candidate.shared), None)


def baseline(state: InForce, catalog: Mapping[str, Revision], candidate: Candidate,
             now: float) -> tuple[InForce, dict[str, Revision]]:
    """``state`` with the revisions it runs; where none are recorded, each color's image
    on the candidate's spec (what the program built from the spec as it is)."""
    known = dict(catalog)
    if state.revisions is not None and state.shared is not None:
        return state, known
    ids: dict[Color, str] = {}
    for color in COLORS:
        found = _find(known.values(), state.images[color], candidate)
        if found is None:
            found = _revision(candidate, state.images[color], next_number(list(known.values())), now,
                              "(in force before revisions were recorded)")
            known[found.id] = found
        ids[color] = found.id
    return state.model_copy(update={"revisions": ids, "shared": ids[state.weights.active]}), known


def choose(state: InForce, catalog: Mapping[str, Revision], candidate: Candidate, now: float,
           by: str = "") -> Revision:
    """The revision a release deploys (see the module docstring)."""
    image = candidate.image or state.images[state.weights.active]
    found = _find(catalog.values(), image, candidate)
    return found or _revision(candidate, image, next_number(list(catalog.values())), now, by)


def prepare_state(current: LedgerRecord | None, configured: InForce, candidate: Candidate,
                  now: float, by: str = "") -> tuple[InForce, dict[str, Revision], Revision]:
    """From the stack's record (``None``: no release yet, ``configured`` is in force): the
    state in force with its revisions, the catalog a new release keeps (the revisions in
    force, the last release's, the new one) and the revision it deploys."""
    state = current.in_force if current is not None else configured
    catalog = dict(current.catalog) if current is not None else {}
    state, catalog = baseline(state, catalog, candidate, now)
    revision = choose(state, catalog, candidate, now, by)
    named = {*(state.revisions or {}).values(), state.shared, revision.id,
             current.revision if current is not None else None}
    kept = {k: v for k, v in catalog.items() if k in named}
    return state, {**kept, revision.id: revision}, revision


def refusal(state: InForce, catalog: Mapping[str, Revision], candidate: Candidate, revision: Revision,
            stack: str) -> str | None:
    """Why a release of ``revision`` must not start, or ``None``."""
    assert state.revisions is not None and state.shared is not None
    active = state.weights.active
    running = catalog[state.revisions[active]]
    shared = catalog[state.shared]
    changed = candidate.shared_changes
    if changed is None:
        changed = ("shared resources",) if shared.shared != revision.shared else ()
    if changed and not candidate.include_shared:
        return (f"revision {revision.id} changes resources both colors share ({', '.join(changed[:8])}"
                f"{', ...' if len(changed) > 8 else ''}): they change for both colors at once at the deploy "
                "step and are not canaried; give --include-shared to release them with it")
    if revision.same_as(running) and not changed:
        if candidate.image is None:
            return (f"nothing to release: the spec's configuration is the one {active} runs on {stack!r} "
                    f"({running.label}); change the spec or a secret value, or give --image")
        return (f"--image: {revision.image} is already the active image of {stack!r} and the spec's "
                f"configuration is the one {active} runs ({running.label}): nothing to release")
    return None


def bodies(state: InForce, catalog: Mapping[str, Revision]) -> tuple[dict[Color, Revision] | None, Revision | None]:
    """The revisions ``state`` names, from ``catalog`` (``None``: none recorded)."""
    if state.revisions is None:
        return None, None
    missing = sorted({r for r in [*state.revisions.values(), state.shared] if r and r not in catalog})
    if missing:
        raise LedgerError(f"the ledger names revision(s) {', '.join(missing)} but does not keep them")
    revisions = {color: catalog[rid] for color, rid in state.revisions.items()}
    shared = catalog[state.shared] if state.shared else revisions[state.weights.active]
    return revisions, shared


def release_state(state: InForce, catalog: Mapping[str, Revision]) -> ReleaseState:
    """What the program is built with for ``state``: its weights, images, header routes
    and canary scale, and the bodies of the revisions it names."""
    revisions, shared = bodies(state, catalog)
    return ReleaseState(weights=state.weights, images=dict(state.images), scaled_down=state.scaled_down,
                        header_routes=state.header_routes, canary_scale=state.canary_scale,
                        revisions=revisions, shared=shared)


def render_state(item: StackInput, state: InForce, catalog: Mapping[str, Revision]) -> Rendered:
    return render(item, release_state(state, catalog))


def part_of(urn: str) -> str:
    """``blue``, ``green``, ``router`` or ``shared``: what a resource belongs to."""
    parsed = Urn.parse(urn)
    types = parsed.qualified_type.split("$")
    if any(t.endswith(":TrafficRouter") for t in types):
        return "router"
    if any(t.endswith(":Environment") for t in types[:-1]):
        return color_in(parsed.name) or "shared"
    return "shared"


def changes_by_part(before: Rendered, after: Rendered, label: str) -> dict[str, StackChanges]:
    """What turns ``before`` into ``after``, per part (``PARTS``)."""
    out = {}
    for part in PARTS:
        old = [planned(r.urn, r.inputs) for r in before.resources if r.custom and part_of(r.urn) == part]
        new = [planned(r.urn, r.inputs) for r in after.resources if r.custom and part_of(r.urn) == part]
        out[part] = diff_stack(f"{before.stack.name} {part}", old, new, label)
    return out


def shared_changes(item: StackInput, state: InForce, catalog: Mapping[str, Revision],
                   revision: Revision) -> StackChanges:
    """What giving the shared part of ``revision`` to the stack changes (the colors stay)."""
    known = {**catalog, revision.id: revision}
    before = render_state(item, state, known)
    after = render_state(item, replace_shared(state, revision.id), known)
    changes = changes_by_part(before, after, f"shared resources of {revision.id}")
    resources = tuple(c for part in ("shared", "router") for c in changes[part].resources)
    return StackChanges(item.stack.name, f"shared resources of {revision.id}", resources)


def replace_shared(state: InForce, revision: str) -> InForce:
    return state.model_copy(update={"shared": revision})


def with_changes(candidate: Candidate, changes: StackChanges) -> Candidate:
    return replace(candidate, shared_changes=tuple(c.name for c in changes.resources))
