"""Traffic weights: validated integer percentages per color, adding up to 100."""

from __future__ import annotations

from dataclasses import dataclass

from ..vocab.labels import COLORS, Color, other
from ..vocab.limits import TOTAL

__all__ = ["COLORS", "TOTAL", "Color", "Weights", "check_weight", "other"]


def check_weight(value: object, field: str = "weight") -> int:
    """Return ``value`` as a weight or raise ``ValueError`` naming ``field`` and the value.

    A weight is an integer from 0 to 100: not a string (``"5"``), not a float (``2.5``),
    not a boolean.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{field}: {value!r} is not an integer weight from 0 to {TOTAL}")
    if not 0 <= value <= TOTAL:
        raise ValueError(f"{field}: {value!r} is outside 0..{TOTAL}")
    return value


@dataclass(frozen=True)
class Weights:
    """Weights of the two production colors; always valid, always adding up to 100."""

    blue: int
    green: int

    def __post_init__(self) -> None:
        check_weight(self.blue, "weights.blue")
        check_weight(self.green, "weights.green")
        if self.blue + self.green != TOTAL:
            raise ValueError(
                f"weights: blue {self.blue} + green {self.green} = {self.blue + self.green}, "
                f"they must add up to {TOTAL}"
            )

    @classmethod
    def all_on(cls, color: Color) -> Weights:
        return cls(blue=TOTAL, green=0) if color == "blue" else cls(blue=0, green=TOTAL)

    @classmethod
    def canary(cls, canary: Color, weight: int) -> Weights:
        """``weight`` percent on ``canary``, the rest on the other color."""
        check_weight(weight, f"weights.{canary}")
        stable = TOTAL - weight
        return cls(blue=stable, green=weight) if canary == "green" else cls(blue=weight, green=stable)

    @classmethod
    def from_mapping(cls, data: object, field: str = "weights") -> Weights:
        if not isinstance(data, dict) or set(data) != set(COLORS):
            raise ValueError(f"{field}: {data!r} must map exactly 'blue' and 'green' to weights")
        return cls(blue=check_weight(data["blue"], f"{field}.blue"),
                   green=check_weight(data["green"], f"{field}.green"))

    def of(self, color: Color) -> int:
        return self.blue if color == "blue" else self.green

    def as_dict(self) -> dict[str, int]:
        return {"blue": self.blue, "green": self.green}

    @property
    def active(self) -> Color:
        """The color that takes most of the traffic (blue on a tie)."""
        return "blue" if self.blue >= self.green else "green"
