"""Preview names: valid for any branch, deterministic, distinct."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tricolor.previews.errors import PreviewInputError
from tricolor.previews.naming import names_of_stack, parse_pr, pr_of_stack, preview_names, slugify
from tricolor.spec.naming import dns_label_problem, stack_name_problem

prs = st.integers(min_value=1, max_value=2**31 - 1)
# Any text at all, any script, up to very long; blank names are bad input, tested apart.
branches = st.text(min_size=1, max_size=400).filter(lambda b: b.strip() and b.strip() != "refs/heads/")
services = st.from_regex(r"\A[a-z][a-z0-9-]{0,61}[a-z0-9]\Z")


@settings(max_examples=300)
@given(prs, branches, services)
def test_any_branch_gives_valid_names(pr: int, branch: str, service: str) -> None:
    names = preview_names(pr, branch, service)
    assert stack_name_problem(names.stack) is None
    assert dns_label_problem(names.namespace) is None
    assert dns_label_problem(names.host) is None
    assert names.host[0].isalpha()  # a Service (DNS-1035) name starts with a letter
    assert names.stack.startswith(f"pr-{pr}-") and names.host.startswith(f"pr-{pr}-")
    assert pr_of_stack(names.stack) == pr
    assert names_of_stack(names.stack, service).stack == names.stack


@given(prs, branches)
def test_same_input_same_names(pr: int, branch: str) -> None:
    assert preview_names(pr, branch, "checkout") == preview_names(str(pr), branch, "checkout")


@given(prs, prs, branches, branches, services)
def test_different_prs_never_share_a_name(a: int, b: int, branch_a: str, branch_b: str, service: str) -> None:
    if a == b:
        return
    one, two = preview_names(a, branch_a, service), preview_names(b, branch_b, service)
    assert one.stack != two.stack and one.namespace != two.namespace and one.host != two.host


@given(prs, st.sampled_from(["feat/x", "feat-x", "feat_x", "Feat/X", "feat//x", "feat.x", "fëat/x"]),
       st.sampled_from(["feat/x", "feat-x", "feat_x", "Feat/X", "feat//x", "feat.x", "fëat/x"]))
def test_branches_that_slug_alike_get_different_names(pr: int, a: str, b: str) -> None:
    one, two = preview_names(pr, a, "checkout"), preview_names(pr, b, "checkout")
    assert one.slug == two.slug == "feat-x"
    assert (one.stack == two.stack) is (a == b)
    assert (one.namespace == two.namespace) is (a == b)


@given(prs, st.lists(st.sampled_from(["a", "b", "1", "é", "/", "-", "_", ".", " ", "Z"]), min_size=1, max_size=30),
       st.lists(st.sampled_from(["/", "-", "_", ".", "//"]), min_size=1, max_size=30))
def test_any_two_branches_that_slug_alike_differ(pr: int, chars: list[str], seps: list[str]) -> None:
    one = "feat" + "".join(chars)
    two = "feat" + "".join(seps[i % len(seps)] if c in "/-_. " else c for i, c in enumerate(chars))
    a, b = preview_names(pr, one, "checkout"), preview_names(pr, two, "checkout")
    if a.branch != b.branch:
        assert a.stack != b.stack and a.namespace != b.namespace and a.host != b.host


def test_examples() -> None:
    names = preview_names(123, "feature/Crème-brûlée", "checkout")
    assert names.slug == "feature-creme-brulee"
    assert names.stack.startswith("pr-123-feature-creme-brulee-") and len(names.hash) == 8
    assert names.namespace == f"checkout-{names.stack}"
    assert preview_names(5, "修复/登录", "checkout").slug == "branch"  # nothing readable left
    assert preview_names(5, "refs/heads/feat/x") == preview_names(5, "feat/x")
    long = preview_names(2**31 - 1, "x" * 300, "s" * 63)
    assert len(long.stack) <= 100 and len(long.namespace) <= 63
    assert slugify("--Hello  World!--") == "hello-world"


@pytest.mark.parametrize("value", ["0", "-3", "abc", "1.5", "", " ", "12a", 0, -1, True, "2147483648"])
def test_bad_pr_numbers(value: object) -> None:
    with pytest.raises(PreviewInputError, match="--pr"):
        parse_pr(value)


@pytest.mark.parametrize("branch", ["", "   ", "\t\n", "refs/heads/"])
def test_empty_branch(branch: str) -> None:
    with pytest.raises(PreviewInputError, match="--branch"):
        preview_names(1, branch)


@pytest.mark.parametrize("name", ["staging", "prod", "pr-0-x-0123abcd", "pr-1-x", "pr-1-x-0123ABCD",
                                  "pr-01-x-0123abcd"])
def test_other_stack_names_are_not_previews(name: str) -> None:
    assert pr_of_stack(name) is None
    assert names_of_stack(name) is None
