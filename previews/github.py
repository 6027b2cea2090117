"""Whether a pull request is still open: the GitHub REST API through httpx.

``PullRequestLookup`` is the integration point; ``GitHubPulls`` the implementation
(``GET /repos/{owner}/{repo}/pulls/{number}``, a token optional: public repositories
answer without one, within GitHub's lower anonymous rate limit). The token is sent
as a header and never printed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

from ..lazy import later
from .errors import GitHubError, PreviewInputError
from .reaper import PrState

if TYPE_CHECKING:
    import httpx
else:
    httpx = later("httpx")  # heavy: imported when first used

DEFAULT_API = "https://api.github.com"
_REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


class PullRequestLookup(Protocol):
    def state(self, pr: int) -> PrState:
        """``open`` or ``closed`` (merged counts as closed); ``GitHubError`` when unknown."""
        ...


class GitHubPulls:
    def __init__(self, repo: str, token: str | None = None, api_url: str = DEFAULT_API,
                 timeout: float = 10.0, transport: httpx.BaseTransport | None = None) -> None:
        if not _REPO.match(repo or ""):
            raise PreviewInputError(f"--github-repo: {repo!r} is not owner/name")
        headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28",
                   "User-Agent": "tricolor-preview-reaper"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.repo = repo
        self._client = httpx.Client(base_url=api_url.rstrip("/"), headers=headers, timeout=timeout,
                                    transport=transport)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> GitHubPulls:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def state(self, pr: int) -> PrState:
        path = f"/repos/{self.repo}/pulls/{pr}"
        try:
            response = self._client.get(path)
        except httpx.HTTPError as exc:
            raise GitHubError(f"pull request #{pr}: {type(exc).__name__}: {exc}") from None
        if response.status_code == 404:
            raise GitHubError(f"pull request #{pr}: not found in {self.repo} (or the token cannot see it)")
        if response.status_code in (401, 403, 429):
            raise GitHubError(f"pull request #{pr}: GitHub answered {response.status_code} "
                              "(token missing or refused, or rate limited)")
        if response.status_code != 200:
            raise GitHubError(f"pull request #{pr}: GitHub answered {response.status_code}")
        try:
            state = response.json().get("state")
        except ValueError:
            raise GitHubError(f"pull request #{pr}: GitHub's answer is not JSON") from None
        if state not in ("open", "closed"):
            raise GitHubError(f"pull request #{pr}: unexpected state {state!r}")
        return "open" if state == "open" else "closed"


def pr_states(prs: Iterable[int], lookup: PullRequestLookup,
              ) -> tuple[dict[int, PrState | None], dict[int, str]]:
    """Ask about each pull request once: ``(states, problems)``; an unknown state is
    ``None`` (the TTL still applies) and its problem is reported."""
    states: dict[int, PrState | None] = {}
    problems: dict[int, str] = {}
    for pr in sorted(set(prs)):
        try:
            states[pr] = lookup.state(pr)
        except GitHubError as exc:
            states[pr] = None
            problems[pr] = str(exc)
    return states, problems
