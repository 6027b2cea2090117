"""Errors of per-pull-request previews.

Tree::

    TricolorError                      (spec.errors)
    └── PreviewError                   anything that stops a preview command
        ├── PreviewInputError          a bad pull-request number, branch, TTL, image or stack name
        ├── BackendError               the state backend URL is unsupported or cannot be read
        ├── PulumiUnavailable          the Pulumi CLI that the Automation API drives is missing
        ├── PreviewExistsError         a stack of that name exists and is not a preview: never touched
        ├── DestroyError               destroying one preview failed (retryable: the next reap tries again)
        └── GitHubError                the GitHub API did not answer about a pull request (retryable)

Input errors exit with 2 (like a usage error), the others with 1.
"""

from __future__ import annotations

from ..spec.errors import TricolorError


class PreviewError(TricolorError):
    """Base of the preview errors."""


class PreviewInputError(PreviewError):
    """A value given on the command line is not acceptable; the message names it."""

    exit_code = 2


class BackendError(PreviewError):
    """The self-managed backend cannot be listed or read."""


class PulumiUnavailable(PreviewError):
    """``preview up``/``down``/``reap`` need the Pulumi CLI (the Automation API drives it)."""


class PreviewExistsError(PreviewError):
    """A stack with the preview's name exists but carries no preview marker."""


class DestroyError(PreviewError):
    """Destroying a preview failed; the reaper reports it and goes on with the others."""

    retryable = True


class GitHubError(PreviewError):
    """The GitHub API gave no usable answer about a pull request."""

    retryable = True
