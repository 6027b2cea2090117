"""Which environment a resource belongs to, inferred from every signal there is, failing
closed.

Signals, each naming what told it:

- the resource's ``tricolor.dev/environment`` label or tag (unless unknown or secret);
- its ``tricolor.dev/preview`` label (``preview``);
- its ``tricolor.dev/color`` label: only production has colors (``production``);
- the stack's environment (its ``tricolor:environment`` config, or ``--environment``
  for a state file): ``Context.environment``;
- a blue/green pair in the stack (``Context.paired``, see ``paired``): ``production``.

A rule that applies to some environments applies when *any* signal places the resource
in one of them; so a production signal can never be outvoted by another. When no signal
says anything, the environment is *assumed* to be production: production-only rules
apply, and the finding and the report say that the environment was assumed. A rule
never passes just because it could not tell where it applies.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..vocab.labels import COLOR, COLORS, ENVIRONMENT, PREVIEW
from ..vocab.wire import is_opaque
from .model import Context, Resource
from .shapes import color_of, labels_of, uncolor

__all__ = ["ASSUMED_NOTE", "PRODUCTION", "Inferred", "applies", "infer", "paired"]

PRODUCTION = "production"
ASSUMED_NOTE = ("environment not known (no tricolor.dev/environment label, stack config, color label, "
                "blue/green pair or --environment): production assumed")


@dataclass(frozen=True)
class Inferred:
    """The environments the signals name, each with what told it; none: assumed production."""

    signals: tuple[tuple[str, str], ...]

    @property
    def assumed(self) -> bool:
        return not self.signals

    @property
    def names(self) -> frozenset[str]:
        return frozenset(name for name, _ in self.signals) if self.signals else frozenset({PRODUCTION})

    @property
    def name(self) -> str:
        """The one environment to show: production when any signal (or none) says so."""
        if PRODUCTION in self.names:
            return PRODUCTION
        return self.signals[0][0]

    def says(self, environment: str) -> bool:
        return environment in self.names

    def describe(self) -> str:
        if self.assumed:
            return ASSUMED_NOTE
        return ", ".join(f"{name} ({source})" for name, source in self.signals)


def infer(resource: Resource, context: Context) -> Inferred:
    """Every signal about ``resource``'s environment (see the module docstring)."""
    found = labels_of(resource) or {}
    signals: list[tuple[str, str]] = []
    value = found.get(ENVIRONMENT)
    if isinstance(value, str) and value.strip() and not is_opaque(value):
        signals.append((value.strip(), f"label {ENVIRONMENT}"))
    if str(found.get(PREVIEW, "")).lower() == "true":
        signals.append(("preview", f"label {PREVIEW}"))
    if found.get(COLOR) in COLORS:
        signals.append((PRODUCTION, f"label {COLOR}"))
    if context.environment:
        signals.append((context.environment, context.environment_source))
    if context.paired:
        signals.append((PRODUCTION, "a blue/green pair in the stack"))
    return Inferred(tuple(signals))


def applies(inferred: Inferred, environments: Iterable[str]) -> bool:
    """Whether a rule configured for ``environments`` (``*``: all) applies."""
    wanted = set(environments)
    return "*" in wanted or bool(wanted & inferred.names)


def paired(resources: Sequence[Resource]) -> bool:
    """Whether the resources hold a blue/green pair: the same type and name, the color
    word apart, once in each color (what only a production stack renders)."""
    seen: dict[tuple[str, str], set[str]] = {}
    for resource in resources:
        color = color_of(resource)
        if color is not None:
            colors = seen.setdefault((resource.type, uncolor(resource.name)), set())
            colors.add(color)
            if len(colors) == len(COLORS):
                return True
    return False
