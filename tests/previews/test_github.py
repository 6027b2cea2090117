"""Pull-request state from a GitHub-like API on 127.0.0.1, through the real client."""

from __future__ import annotations

import socket

import pytest

from tricolor.previews.errors import GitHubError, PreviewInputError
from tricolor.previews.github import GitHubPulls, pr_states


def test_states_with_and_without_token(github) -> None:  # type: ignore[no-untyped-def]
    url, state = github
    state["pulls"].update({1: "open", 2: "closed", 3: 403, 4: 500})
    with GitHubPulls("acme/checkout", "s3cr3t-token", api_url=url) as pulls:
        assert pulls.state(1) == "open" and pulls.state(2) == "closed"
        with pytest.raises(GitHubError, match="403"):
            pulls.state(3)
        with pytest.raises(GitHubError, match="not found in acme/checkout"):
            pulls.state(99)
    assert state["seen"][0] == ("/repos/acme/checkout/pulls/1", "Bearer s3cr3t-token")
    with GitHubPulls("acme/checkout", None, api_url=url) as anonymous:
        states, problems = pr_states([2, 1, 2, 4, 99], anonymous)
    assert states == {1: "open", 2: "closed", 4: None, 99: None}
    assert set(problems) == {4, 99} and "500" in problems[4]
    assert state["seen"][-1][1] is None  # no token, no Authorization header
    assert [p for p, _ in state["seen"]].count("/repos/acme/checkout/pulls/2") == 2  # once per client


def test_unreachable_api_is_a_github_error() -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with GitHubPulls("acme/checkout", api_url=f"http://127.0.0.1:{port}", timeout=2) as pulls, \
            pytest.raises(GitHubError, match="ConnectError"):
        pulls.state(1)


def test_bad_repository_name() -> None:
    with pytest.raises(PreviewInputError, match="owner/name"):
        GitHubPulls("not a repo")
