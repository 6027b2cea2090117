"""numpy and scipy for the judges, imported the first time a judge computes something.

``import scipy.stats`` takes most of a second, and every ``release`` command imports
the judges (the engine names them), most of them without ever judging. Type checkers
see the real modules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...lazy import later

__all__ = ["np", "special", "stats"]

if TYPE_CHECKING:
    import numpy as np
    from scipy import special, stats
else:
    np = later("numpy")
    stats = later("scipy.stats")
    special = later("scipy.special")
