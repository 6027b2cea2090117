"""The release state a production stack is built with: the weights, the image of each
color, the color scaled down after its rollback window (if any), the header routes to
the new color (``setHeaderRoute``) and its scale (``setCanaryScale``), and, once releases
record them, the revision each color runs and the one whose shared part is in force.

It is an INPUT of the program (``program.build(stack, state)``): the entry point
(``__main__.py``) reads it from the release ledger; ``configured`` gives the stack
config's values, which is what renders for ``plan`` and the tests use, so they are pure.
Without revisions every color is built from the spec as it is (``colors.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..spec.canary import CanaryScale, HeaderRoute
from ..spec.revision import Revision
from ..spec.stack import Stack
from ..spec.weights import Color, Weights

__all__ = ["ReleaseState"]


@dataclass(frozen=True)
class ReleaseState:
    weights: Weights
    images: dict[Color, str] = field(default_factory=dict)
    scaled_down: Color | None = None
    header_routes: tuple[HeaderRoute, ...] = ()
    canary_scale: CanaryScale | None = None
    revisions: Mapping[Color, Revision] | None = None
    shared: Revision | None = None

    @classmethod
    def configured(cls, stack: Stack) -> ReleaseState:
        """What the stack config says is in force (before the first release)."""
        return cls(weights=stack.weights, images=dict(stack.images))
