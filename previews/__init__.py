"""Per-pull-request ephemeral staging: names, TTL, preview config, backend listing,
the reaper, and the thin Automation API layer that brings previews up and down.

Interfaces and their registries, kept apart: ``store.BackendStore`` (``backends``
picks one by URL), ``destroy.Destroyer`` (``destroyers`` builds one by name),
``github.PullRequestLookup``.
"""

from __future__ import annotations

from .backends import backend_kind, open_backend
from .config import (
    PREVIEW_OVERRIDES,
    PreviewConfig,
    preview_config,
    preview_plan_config,
    secret_env_name,
    secrets_from_env,
)
from .destroy import Destroyer, DestroyerContext, StackRef
from .destroyers import DESTROYERS, get_destroyer
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
from .layout import BackendLayout, read_layout
from .listing import StackRecord, list_previews, list_stacks, reread
from .naming import PreviewNames, names_of_stack, parse_pr, pr_of_stack, preview_names, slugify
from .reaper import Decision, Outcome, ReapReport, Recheck, decide, decide_down, decide_one, reap
from .store import BackendStore
from .tags import PreviewMeta, from_labels, from_tags
from .ttl import DEFAULT_TTL, expires_at, is_expired, parse_ttl, remaining

__all__ = [
    "DEFAULT_TTL",
    "DESTROYERS",
    "PREVIEW_OVERRIDES",
    "BackendError",
    "BackendLayout",
    "BackendStore",
    "Decision",
    "DestroyError",
    "Destroyer",
    "DestroyerContext",
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
    "Recheck",
    "StackRecord",
    "StackRef",
    "backend_kind",
    "decide",
    "decide_down",
    "decide_one",
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
    "read_layout",
    "reap",
    "remaining",
    "reread",
    "secret_env_name",
    "secrets_from_env",
    "slugify",
]
