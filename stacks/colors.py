"""Which spec and which revision each color of a production stack is built from.

With revisions in the release state (the ledger), each color is built from ITS
revision: the spec stored with it and the versions of the secret values it recorded;
the shared resources and the router from the revision whose shared part is in force. So
a plain ``pulumi up`` after a spec edit changes nothing in a color until a release
brings it the new revision. Without revisions (a render for ``plan``, a stack before its
first release, a ledger from before revisions) every color follows the spec as it is.

``keep_secrets`` compares the versions a color recorded with the versions of the values
the secret config holds now (``lookup``: config key -> value, as the running program
reads them); the components keep the secret values they hold while they differ.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ..components import RevisionArgs
from ..spec.revision import (
    Revision,
    config_key,
    digest,
    secret_versions,
    shared_content,
    shared_digest,
    spec_data,
    stack_at,
)
from ..spec.stack import Stack
from ..spec.weights import COLORS, Color
from .state import ReleaseState

__all__ = ["Colors", "colors_of", "current_args"]

Lookup = Callable[[str], str | None]


@dataclass(frozen=True)
class Colors:
    shared: Stack  # builds the shared resources and the router
    shared_revision: RevisionArgs
    stacks: dict[Color, Stack]
    revisions: dict[Color, RevisionArgs]


def _versions(stack: Stack, lookup: Lookup) -> dict[str, str]:
    keys = [config_key(stack, v) for v in stack.spec.secrets]
    return secret_versions(stack, {key: lookup(key) for key in keys})


def _args(stack: Stack, revision: Revision | None, lookup: Lookup) -> RevisionArgs:
    now = _versions(stack, lookup)
    if revision is None:
        return RevisionArgs(digest=digest(spec_data(stack.spec), now), secrets=now)
    return RevisionArgs(digest=revision.digest, secrets=dict(revision.secrets), id=revision.id,
                        keep_secrets=any(now.get(k) != v for k, v in revision.secrets.items()))


def _shared_args(stack: Stack, revision: Revision | None, lookup: Lookup) -> RevisionArgs:
    now = _versions(stack, lookup)
    if revision is None:
        return RevisionArgs(digest=shared_digest(spec_data(stack.spec), now),
                            secrets=shared_content(spec_data(stack.spec), now)["secret_versions"])
    recorded: Mapping[str, str] = shared_content(revision.spec, revision.secrets)["secret_versions"]
    return RevisionArgs(digest=revision.shared, secrets=dict(recorded), id=revision.id,
                        keep_secrets=any(now.get(k) != v for k, v in recorded.items()))


def current_args(stack: Stack, lookup: Lookup) -> RevisionArgs:
    """What an environment without colors runs: the spec as it is (staging, previews)."""
    return _args(stack, None, lookup)


def colors_of(stack: Stack, state: ReleaseState, lookup: Lookup) -> Colors:
    """The stacks and revisions of the shared resources and of each color."""
    revisions = state.revisions or {}
    shared = stack_at(stack, state.shared)
    stacks = {color: stack_at(stack, revisions.get(color)) for color in COLORS}
    return Colors(shared=shared, shared_revision=_shared_args(shared, state.shared, lookup), stacks=stacks,
                  revisions={c: _args(stacks[c], revisions.get(c), lookup) for c in COLORS})
