"""Naming rules and weights: validated when built."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tricolor.spec.naming import dns_label, dns_label_problem, is_dns_label, stack_name_problem
from tricolor.spec.weights import Weights, check_weight


@given(st.lists(st.text(min_size=0, max_size=80), min_size=1, max_size=4))
def test_dns_label_always_valid(parts: list[str]) -> None:
    label = dns_label(*parts)
    assert is_dns_label(label), label


def test_long_names_are_cut_with_a_hash_and_stay_distinct() -> None:
    a = dns_label("x" * 70, "blue")
    b = dns_label("x" * 70, "green")
    assert len(a) <= 63 and len(b) <= 63 and a != b


@pytest.mark.parametrize(("name", "ok"), [
    ("prod", True), ("pr-12-feat_x.v2", True), ("a" * 100, True), ("a" * 101, False),
    ("has space", False), ("", False), ("ünï", False),
])
def test_stack_names(name: str, ok: bool) -> None:
    assert (stack_name_problem(name) is None) is ok


def test_dns_label_problem_names_the_limit() -> None:
    problem = dns_label_problem("a" * 64)
    assert problem is not None and "63" in problem


@pytest.mark.parametrize("value", [120, -1, "5", 2.5, True, None])
def test_bad_weights(value: object) -> None:
    with pytest.raises(ValueError, match="weights.blue"):
        check_weight(value, "weights.blue")


def test_weights_add_up() -> None:
    assert Weights.canary("green", 10) == Weights(blue=90, green=10)
    assert Weights.canary("blue", 25) == Weights(blue=25, green=75)
    assert Weights.all_on("green").active == "green"
    with pytest.raises(ValueError, match="add up to 100"):
        Weights(blue=50, green=40)
    with pytest.raises(ValueError, match="exactly 'blue' and 'green'"):
        Weights.from_mapping({"blue": 100})
