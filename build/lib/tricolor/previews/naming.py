"""Names of a pull request's preview: deterministic, valid, distinct.

From a pull-request number and a branch name:

- the stack name ``pr-<n>-<slug>-<hash>`` (at most 100 characters of ``[A-Za-z0-9_.-]``),
- the namespace ``<service>-pr-<n>-<slug>-<hash>`` and a host label ``pr-<n>-<slug>-<hash>``
  (DNS-1123 labels of at most 63 characters; the host label starts with a letter, so it
  is also a valid Service name and DNS-1035 label).

The hash covers the pull-request number and the exact branch, so two branches that slug
alike (``feat/x`` and ``feat-x``) still get different names. Every name holds
``pr-<n>-`` at a fixed place (after the service name in the namespace), so different
pull requests never share one.
Names depend on nothing else, so they stay the same on every push.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from ..spec.naming import DNS_LABEL_MAX, STACK_NAME_MAX, dns_label_problem, short_hash, stack_name_problem
from .errors import PreviewInputError

PR_MAX = 2**31 - 1  # GitHub numbers issues and pull requests with 32-bit integers
SLUG_MAX = 40
HASH_LENGTH = 8
FALLBACK_SLUG = "branch"
_PREVIEW_STACK = re.compile(rf"^pr-([1-9][0-9]*)-(?:([a-z0-9-]+)-)?([0-9a-f]{{{HASH_LENGTH}}})$")


def parse_pr(value: Any) -> int:
    """A pull-request number: a positive integer (``"12"`` or ``12``), else an error naming it."""
    if isinstance(value, bool):
        raise PreviewInputError(f"--pr: {value!r} is not a pull-request number (a positive integer)")
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not re.fullmatch(r"[0-9]+", text):
            raise PreviewInputError(f"--pr: {value!r} is not a pull-request number (a positive integer)")
        number = int(text)
    if number < 1:
        raise PreviewInputError(f"--pr: {value!r} is not a pull-request number (a positive integer)")
    if number > PR_MAX:
        raise PreviewInputError(f"--pr: {value!r} is above {PR_MAX}, the largest pull-request number")
    return number


def normalize_branch(branch: str) -> str:
    """The branch as CI names it: ``refs/heads/`` dropped, surrounding blanks dropped.

    An empty branch is an error."""
    if not isinstance(branch, str) or not branch.strip():
        raise PreviewInputError("--branch: the branch name is empty")
    text = branch.strip()
    if text.startswith("refs/heads/"):
        text = text[len("refs/heads/"):]
    if not text:
        raise PreviewInputError(f"--branch: {branch!r} names no branch")
    return text


def slugify(branch: str, limit: int = SLUG_MAX) -> str:
    """A readable ``[a-z0-9-]`` slug of ``branch``: accents folded to ASCII, anything else
    replaced by ``-``; ``branch`` when nothing readable is left (a name in another script)."""
    folded = unicodedata.normalize("NFKD", branch).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    slug = slug[:limit].rstrip("-")
    return slug or FALLBACK_SLUG


def _fit(head: str, slug: str, tail: str, limit: int) -> str:
    """``head-slug-tail`` within ``limit`` characters, cutting the slug (then dropping it)."""
    room = limit - len(head) - len(tail) - 2
    cut = slug[: max(room, 0)].rstrip("-")
    return f"{head}-{cut}-{tail}" if cut else f"{head}-{tail}"


@dataclass(frozen=True)
class PreviewNames:
    """Every name of one pull request's preview."""

    pr: int
    branch: str
    slug: str
    hash: str
    stack: str
    namespace: str
    host: str

    def as_dict(self) -> dict[str, Any]:
        return {"pr": self.pr, "branch": self.branch, "slug": self.slug, "stack": self.stack,
                "namespace": self.namespace, "host": self.host}


def preview_names(pr: Any, branch: str, service: str = "app") -> PreviewNames:
    """The names of the preview of pull request ``pr`` on ``branch`` for ``service``.

    Raise ``PreviewInputError`` for a number that is not a positive integer or an empty
    branch. The result always satisfies the stack and DNS-1123 rules (asserted)."""
    number = parse_pr(pr)
    name = normalize_branch(branch)
    digest = short_hash("pr", str(number), name, length=HASH_LENGTH)
    return _names(number, name, slugify(name), digest, service)


def names_of_stack(stack: str, service: str = "app") -> PreviewNames | None:
    """The names of an existing preview stack, from its name alone (the branch is not in
    the name: its slug stands in for it); ``None`` when ``stack`` is not a preview name."""
    match = _PREVIEW_STACK.match(stack)
    if not match or int(match.group(1)) > PR_MAX:
        return None
    slug = match.group(2) or FALLBACK_SLUG
    names = _names(int(match.group(1)), slug, slug, match.group(3), service)
    return names if names.stack == stack else None


def _names(number: int, branch: str, slug: str, digest: str, service: str) -> PreviewNames:
    head = f"pr-{number}"
    stack = _fit(head, slug, digest, STACK_NAME_MAX)
    host = _fit(head, slug, digest, DNS_LABEL_MAX)
    service_part = re.sub(r"[^a-z0-9-]+", "-", service.lower()).strip("-") or "app"
    # The service name may be long: keep the pr number and hash whole, cut the service.
    service_part = service_part[: DNS_LABEL_MAX - len(head) - len(digest) - 2].rstrip("-") or "app"
    namespace = _fit(f"{service_part}-{head}", slug, digest, DNS_LABEL_MAX)
    names = PreviewNames(pr=number, branch=branch, slug=slug, hash=digest, stack=stack,
                         namespace=namespace, host=host)
    for problem in (stack_name_problem(stack), dns_label_problem(namespace), dns_label_problem(host)):
        if problem:  # pragma: no cover - the construction rules it out; hypothesis checks it
            raise AssertionError(problem)
    return names


def pr_of_stack(stack: str) -> int | None:
    """The pull-request number of a preview stack name, or ``None`` when ``stack`` is not
    shaped like one (``pr-<n>-<slug>-<hash>``)."""
    match = _PREVIEW_STACK.match(stack)
    if not match:
        return None
    number = int(match.group(1))
    return number if number <= PR_MAX else None


def is_preview_stack_name(stack: str) -> bool:
    return pr_of_stack(stack) is not None
