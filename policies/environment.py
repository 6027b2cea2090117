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
in one of them; so a production signal can never be outvoted by another.

The first four say the environment explicitly (the labels, the stack config,
``--environment``). Without any of them the environment is *assumed*: production when a
color label or a blue/green pair says so, and production too when nothing says anything.
Production-only rules then apply, and the finding and the report say the environment was
assumed, and from what. A rule never passes just because it could not tell where it
applies.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..vocab.labels import COLOR, COLORS, ENVIRONMENT, PREVIEW
from ..vocab.wire import is_opaque
from .model import Context, Resource
from .shapes import color_of, labels_of, uncolor

__all__ = ["NOTHING", "PRODUCTION", "Inferred", "Signal", "applies", "infer", "paired"]

PRODUCTION = "production"
#: the basis of an environment assumed with no signal at all
NOTHING = "no tricolor.dev/environment label, stack config, color label, blue/green pair or --environment"


@dataclass(frozen=True)
class Signal:
    name: str  # the environment it names
    source: str  # what told it
    explicit: bool = True  # said outright (a label, the stack config), not inferred (a color)


@dataclass(frozen=True)
class Inferred:
    """The environments the signals name, each with what told it; none: assumed production."""

    signals: tuple[Signal, ...]

    @property
    def assumed(self) -> bool:
        """No signal says the environment outright (a color, a pair, or nothing told it)."""
        return not any(s.explicit for s in self.signals)

    @property
    def basis(self) -> str:
        """What an assumed environment rests on."""
        return ", ".join(s.source for s in self.signals) or NOTHING

    def note(self) -> str:
        """The words a finding adds when the environment was assumed (``""`` otherwise)."""
        return f" (environment assumed: {self.name}, from {self.basis})" if self.assumed else ""

    @property
    def names(self) -> frozenset[str]:
        return frozenset(s.name for s in self.signals) if self.signals else frozenset({PRODUCTION})

    @property
    def name(self) -> str:
        """The one environment to show: production when any signal (or none) says so."""
        if PRODUCTION in self.names:
            return PRODUCTION
        return self.signals[0].name

    def says(self, environment: str) -> bool:
        return environment in self.names


def infer(resource: Resource, context: Context) -> Inferred:
    """Every signal about ``resource``'s environment (see the module docstring)."""
    found = labels_of(resource) or {}
    signals: list[Signal] = []
    value = found.get(ENVIRONMENT)
    if isinstance(value, str) and value.strip() and not is_opaque(value):
        signals.append(Signal(value.strip()[:40], f"label {ENVIRONMENT}"))
    if str(found.get(PREVIEW, "")).lower() == "true":
        signals.append(Signal("preview", f"label {PREVIEW}"))
    if context.environment:
        signals.append(Signal(context.environment, context.environment_source))
    if found.get(COLOR) in COLORS:
        signals.append(Signal(PRODUCTION, f"label {COLOR}", explicit=False))
    if context.paired:
        signals.append(Signal(PRODUCTION, "a blue/green pair in the stack", explicit=False))
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
