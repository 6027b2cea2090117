"""The release ledger: read and compare-and-swap update of one record per stack.

``Ledger.update`` reads the record, applies a pure function, and writes the result
only if nobody wrote in between, retrying on conflict; every change of a release goes
through it. ``state_in_force`` is what the Pulumi program reads, so a plain
``pulumi up`` reproduces the weights and images in force.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from ..spec import Color, Weights
from .errors import ConflictError, LedgerError
from .record import LedgerRecord
from .store import LedgerStore, open_store

#: set by the offline applier: the state a render must use instead of the ledger's
_FORCED: ContextVar[InForce | None] = ContextVar("tricolor_forced_state", default=None)


@dataclass(frozen=True)
class InForce:
    """What the Pulumi program builds for a production stack: the weights, the image of
    each color, and the color scaled down after its rollback window (if any)."""

    weights: Weights
    images: dict[Color, str]
    scaled_down: Color | None = None


class Ledger:
    def __init__(self, store: LedgerStore) -> None:
        self.store = store

    @classmethod
    def open(cls, url: str | None = None) -> Ledger:
        return cls(open_store(url))

    def where(self, stack: str) -> str:
        return self.store.where(stack)

    def read(self, stack: str) -> LedgerRecord | None:
        found = self.store.read(stack)
        return None if found is None else LedgerRecord.from_json(found[0], self.where(stack))

    def update(self, stack: str, change: Callable[[LedgerRecord | None], LedgerRecord],
               attempts: int = 50) -> LedgerRecord:
        """Apply ``change`` to the latest record and write it with compare-and-swap.

        ``change`` is called again on the fresh record after a conflict; it may raise to
        refuse (nothing is written then).
        """
        for attempt in range(attempts):
            found = self.store.read(stack)
            current = None if found is None else LedgerRecord.from_json(found[0], self.where(stack))
            updated = change(current)
            if current is not None and updated == current:
                return current
            if updated.stack != stack:
                raise LedgerError(f"{self.where(stack)}: record for stack {updated.stack!r} cannot be written here")
            try:
                self.store.write(stack, updated.to_json(), None if found is None else found[1])
                return updated
            except ConflictError:
                time.sleep(min(0.2, 0.005 * (attempt + 1)))
        raise ConflictError(f"{self.where(stack)}: still conflicting after {attempts} attempts")


@contextlib.contextmanager
def forced_state(weights: Weights, images: dict[Color, str], scaled_down: Color | None = None) -> Iterator[None]:
    """Within this block the stack program uses exactly these weights and images."""
    token = _FORCED.set(InForce(weights, dict(images), scaled_down))
    try:
        yield
    finally:
        _FORCED.reset(token)


def state_in_force(stack: str, url: str | None = None) -> InForce | None:
    """The weights and images the ledger holds for ``stack`` (``None``: no release yet).

    While a change is being applied the target is what the program must build: the
    engine is applying exactly that.
    """
    forced = _FORCED.get()
    if forced is not None:
        return forced
    record = Ledger.open(url).read(stack)
    if record is None:
        return None
    if record.step_state == "applying" and record.target is not None:
        images = record.target_images or record.images
        return InForce(Weights.from_mapping(record.target), {"blue": images["blue"], "green": images["green"]},
                       record.scaled_down)
    return InForce(record.in_force, {"blue": record.images["blue"], "green": record.images["green"]},
                   record.scaled_down)
