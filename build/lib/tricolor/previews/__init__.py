"""Per-pull-request ephemeral staging: names, TTL, preview config, backend listing,
the reaper, and the thin Automation API layer that brings previews up and down."""

from __future__ import annotations

from .config import (
    PREVIEW_OVERRIDES,
    PreviewConfig,
    preview_config,
    preview_plan_config,
    secret_env_name,
    secrets_from_env,
)
from .destroy import DESTROYERS, Destroyer, get_destroyer
from .errors import (
    BackendError,
    DestroyError,
    GitHubError,
    PreviewError,
    PreviewExistsError,
    PreviewInputError,
    PulumiUnavailable,
)
from .github import GitHubPulls, PullRequestLookup, pr_states
from .listing import StackRecord, list_previews, list_stacks
from .naming import PreviewNames, names_of_stack, parse_pr, pr_of_stack, preview_names, slugify
from .reaper import Decision, Outcome, ReapReport, decide, reap
from .recording import RecordingDestroyer
from .store import BackendStore, open_backend
from .tags import PreviewMeta, from_labels, from_tags
from .ttl import DEFAULT_TTL, expires_at, is_expired, parse_ttl, remaining

__all__ = [
    "DEFAULT_TTL",
    "DESTROYERS",
    "PREVIEW_OVERRIDES",
    "BackendError",
    "BackendStore",
    "Decision",
    "DestroyError",
    "Destroyer",
    "GitHubError",
    "GitHubPulls",
    "Outcome",
    "PreviewConfig",
    "PreviewError",
    "PreviewExistsError",
    "PreviewInputError",
    "PreviewMeta",
    "PreviewNames",
    "PullRequestLookup",
    "PulumiUnavailable",
    "ReapReport",
    "RecordingDestroyer",
    "StackRecord",
    "decide",
    "expires_at",
    "from_labels",
    "from_tags",
    "get_destroyer",
    "is_expired",
    "list_previews",
    "list_stacks",
    "names_of_stack",
    "open_backend",
    "parse_pr",
    "parse_ttl",
    "pr_of_stack",
    "pr_states",
    "preview_config",
    "preview_names",
    "preview_plan_config",
    "reap",
    "remaining",
    "secret_env_name",
    "secrets_from_env",
    "slugify",
]
