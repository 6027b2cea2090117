"""Lambda alias routing: tricolor's weights as an alias's primary version and its one
additional version weight, and back. Pure functions, no Pulumi.

Lambda's rules (AWS Lambda API, ``AliasRoutingConfiguration``): an alias points at one
primary version and may send a share of its invocations to ONE additional version; that
share is a fraction from 0.0 to 1.0 and the primary version gets the rest.

tricolor's weights are whole percentages adding up to 100 (``vocab.limits``). The color
with the larger weight is the primary (blue on a tie); the other color's version is the
additional one, its weight stored as ``percent / 100``. The conversion is exact both
ways: ``round(fraction * 100)`` gives the percentage back for every whole percentage,
and a fraction that is not a whole percentage is refused.

Worked example: ``{blue: 90, green: 10}`` with blue at version 7 and green at 8 gives
``primary 7, additional {8: 0.1}``; ``{blue: 40, green: 60}`` gives ``primary 8,
additional {7: 0.4}``; ``{blue: 0, green: 100}`` gives ``primary 8, additional {7: 0.0}``
(the idle version stays attached at 0, as a target group keeps weight 0 on an ALB).
When both colors are the same version (the same image and configuration, published
once), the alias has no routing configuration at all: Lambda refuses an additional
version equal to the primary.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ...spec.weights import COLORS
from ...vocab import limits
from ..errors import BackendLimitError

LIMITS = limits.LAMBDA


def fraction(percent: int) -> float:
    """A whole percentage as Lambda's weight fraction (``10`` -> ``0.1``)."""
    if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= limits.TOTAL:
        raise BackendLimitError(f"weight {percent!r} is not a whole percentage from 0 to {limits.TOTAL}")
    return percent / limits.TOTAL


def percent(value: float) -> int:
    """Lambda's weight fraction as a whole percentage; refuses what is not one."""
    if not LIMITS.min_weight <= value <= LIMITS.max_weight:
        raise BackendLimitError(f"weight {value!r} is outside the {LIMITS.what} limit "
                                f"{LIMITS.min_weight:g}..{LIMITS.max_weight:g}")
    whole = round(value * limits.TOTAL)
    if abs(whole - value * limits.TOTAL) > 1e-9:
        raise BackendLimitError(f"weight {value!r} is not a whole percentage")
    return whole


@dataclass(frozen=True)
class AliasRouting:
    """What an alias holds: its primary version and at most one additional version."""

    function_version: str
    additional: dict[str, float] = field(default_factory=dict)


def check(names: list[str], weights: Mapping[str, int] | None) -> None:
    """``BackendLimitError`` for what no alias can route (before anything is registered)."""
    if len(names) > LIMITS.max_backends:
        raise BackendLimitError(f"{len(names)} targets ({', '.join(names)}); a {LIMITS.what} routes to a primary "
                                f"and at most one additional version")
    if weights is None:
        if len(names) != 1:
            raise BackendLimitError(f"{len(names)} targets but no weights to split them")
        return
    if set(weights) != set(names):
        raise BackendLimitError(f"weights name {sorted(weights)} but the targets are {sorted(names)}")
    for weight in weights.values():
        fraction(weight)
    if sum(weights.values()) != limits.TOTAL:
        raise BackendLimitError(f"weights add up to {sum(weights.values())}, not {limits.TOTAL}")


def alias_for(versions: Mapping[str, str], weights: Mapping[str, int] | None) -> AliasRouting:
    """The alias for ``versions`` (target -> version) at ``weights`` (``None``: the one target)."""
    names = list(versions)
    check(names, weights)
    if weights is None:
        return AliasRouting(versions[names[0]])
    order = {name: COLORS.index(name) if name in COLORS else len(COLORS) for name in names}
    primary = max(names, key=lambda n: (weights[n], -order[n]))
    (other,) = [n for n in names if n != primary]
    if versions[other] == versions[primary]:
        return AliasRouting(versions[primary])
    return AliasRouting(versions[primary], {versions[other]: fraction(weights[other])})


def weights_of(alias: AliasRouting, versions: Mapping[str, str]) -> dict[str, int]:
    """The percentages an alias sends to each target, read back from the alias. A target
    whose version is neither the primary nor the additional one gets 0; when both colors
    are one version, that version's first target gets everything."""
    out = {name: 0 for name in versions}
    extra = 0
    for version, share in alias.additional.items():
        hit = [n for n, v in versions.items() if v == version]
        if not hit:
            raise BackendLimitError(f"the alias sends {share!r} to version {version}, which no target is")
        out[hit[0]] = percent(share)
        extra += out[hit[0]]
    primary = [n for n, v in versions.items() if v == alias.function_version]
    if not primary:
        raise BackendLimitError(f"the alias's version {alias.function_version} is no target's")
    out[primary[0]] = limits.TOTAL - extra
    return out


__all__ = ["LIMITS", "AliasRouting", "check", "fraction", "alias_for", "percent", "weights_of"]
