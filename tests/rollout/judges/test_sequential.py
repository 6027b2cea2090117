"""O'Brien-Fleming boundaries for an analysis that looks again and again."""

from __future__ import annotations

import pytest

from tricolor.rollout.judges import nominal_alpha, obf_constant


def test_obrien_fleming_boundary():
    # Jennison & Turnbull, table 2.3: C_B(K, two-sided 5 %) = 2.040 for K = 5, 2.087 for K = 10.
    assert obf_constant(0.025, 5) == pytest.approx(2.040, abs=0.01)
    assert obf_constant(0.025, 10) == pytest.approx(2.087, abs=0.01)
    levels = [nominal_alpha(0.01, k, 10) for k in range(1, 13)]
    assert levels == sorted(levels) and levels[-1] == levels[9] < 0.01 and levels[0] < 1e-10
    assert nominal_alpha(0.01, 1, 1) == 0.01
