"""What marks a stack as a preview, and where that is stored.

``preview up`` writes the same facts to three places, so that listing and reaping need
no Pulumi CLI and survive the loss of any one of them:

1. **Stack tags** (``tricolor:preview``, ``tricolor:pr``, ``tricolor:branch``,
   ``tricolor:commit``, ``tricolor:created-at``, ``tricolor:ttl``), set through the
   Automation API. A self-managed backend keeps them in
   ``.pulumi/stacks/<project>/<stack>.pulumi-tags`` (``{"version": 1, "tags": {...}}``)
   beside the checkpoint; the lister reads that file directly.
2. **Stack config** ``tricolor:preview`` (``pr``, ``branch``, ``ttl``, ``createdAt``,
   ``commit``), which the program validates as ``StackConfig.preview``.
3. **Labels in the checkpoint**: the program turns that config into the labels
   ``tricolor.dev/preview``, ``/pr``, ``/ttl`` and ``/created-at`` on every object it
   creates (``components.args.common_labels``), so the checkpoint itself carries the
   marker, the number, the TTL and the creation time (not the branch or commit).

Tags win; the checkpoint's labels are the fallback for a stack whose tags file is gone.
A stack with neither is not a preview, and the reaper never touches it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from ..spec.durations import format_duration, parse_duration
from .ttl import format_time, parse_time

TAG_MARKER = "tricolor:preview"
TAG_PR = "tricolor:pr"
TAG_BRANCH = "tricolor:branch"
TAG_COMMIT = "tricolor:commit"
TAG_CREATED = "tricolor:created-at"
TAG_TTL = "tricolor:ttl"
TAG_VALUE_MAX = 256  # bytes; Pulumi refuses longer tag values

LABEL_MARKER = "tricolor.dev/preview"
LABEL_PR = "tricolor.dev/pr"
LABEL_TTL = "tricolor.dev/ttl"
LABEL_CREATED = "tricolor.dev/created-at"

Source = Literal["tags", "labels"]


class MetadataError(ValueError):
    """A stack carries the preview marker but its other facts do not parse."""


def _fit_tag(value: str) -> str:
    """``value`` cut to at most 256 UTF-8 bytes at a character boundary."""
    data = value.encode("utf-8")
    if len(data) <= TAG_VALUE_MAX:
        return value
    return data[:TAG_VALUE_MAX].decode("utf-8", "ignore")


@dataclass(frozen=True)
class PreviewMeta:
    """The facts the reaper judges a preview by."""

    pr: int
    created_at: datetime
    ttl: timedelta
    branch: str | None = None
    commit: str | None = None
    source: Source = "tags"

    def to_tags(self) -> dict[str, str]:
        tags = {
            TAG_MARKER: "true",
            TAG_PR: str(self.pr),
            TAG_CREATED: format_time(self.created_at),
            TAG_TTL: format_duration(self.ttl),
        }
        if self.branch:
            tags[TAG_BRANCH] = _fit_tag(self.branch)
        if self.commit:
            tags[TAG_COMMIT] = _fit_tag(self.commit)
        return tags

    def to_config(self) -> dict[str, Any]:
        """The ``tricolor:preview`` config value (``StackConfig.preview``)."""
        info: dict[str, Any] = {
            "pr": self.pr,
            "branch": self.branch or "",
            "ttl": format_duration(self.ttl),
            "createdAt": format_time(self.created_at),
        }
        if self.commit:
            info["commit"] = self.commit
        return info


def _facts(pr: Any, created: Any, ttl: Any) -> tuple[int, datetime, timedelta]:
    try:
        number = int(str(pr))
    except ValueError:
        raise MetadataError(f"pull-request number {pr!r} is not an integer") from None
    if number < 1:
        raise MetadataError(f"pull-request number {pr!r} is not positive")
    if created is None:
        raise MetadataError("the creation time is missing")
    if ttl is None:
        raise MetadataError("the TTL is missing")
    try:
        return number, parse_time(str(created)), parse_duration(str(ttl))
    except ValueError as exc:
        raise MetadataError(str(exc)) from None


def from_tags(tags: Mapping[str, str]) -> PreviewMeta | None:
    """The preview facts in stack tags; ``None`` without the marker; ``MetadataError``
    when the marker is there but a fact is missing or malformed."""
    if str(tags.get(TAG_MARKER, "")).lower() != "true":
        return None
    pr, created, ttl = _facts(tags.get(TAG_PR), tags.get(TAG_CREATED), tags.get(TAG_TTL))
    return PreviewMeta(pr=pr, created_at=created, ttl=ttl, branch=tags.get(TAG_BRANCH) or None,
                       commit=tags.get(TAG_COMMIT) or None, source="tags")


def from_labels(labels: Mapping[str, Any]) -> PreviewMeta | None:
    """The preview facts in the labels the program puts on every object (see
    ``components.args.common_labels``); ``None`` without the marker."""
    if str(labels.get(LABEL_MARKER, "")).lower() != "true":
        return None
    pr, created, ttl = _facts(labels.get(LABEL_PR), labels.get(LABEL_CREATED), labels.get(LABEL_TTL))
    return PreviewMeta(pr=pr, created_at=created, ttl=ttl, source="labels")
