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

Tags win: a tags file that is there decides, even when it says "not a preview" and the
checkpoint's labels say otherwise; the labels are the fallback for a stack whose tags
file is gone. A stack with neither is not a preview, and the reaper never touches it.

Facts are bounded before any arithmetic: a pull-request number in 1..2**31-1, a TTL in
(0, 90d], a creation time from 2000 on. A fact outside them (an overflowing TTL such as
``99999999999d``, a creation time in year 9999) is a ``MetadataError``: the stack is
reported and kept, never a crash.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from ..spec.durations import format_duration, parse_duration
from ..vocab import labels
from .naming import PR_MAX
from .quote import quote
from .ttl import EARLIEST, MAX_TTL, format_time, parse_time

TAG_MARKER = "tricolor:preview"
TAG_PR = "tricolor:pr"
TAG_BRANCH = "tricolor:branch"
TAG_COMMIT = "tricolor:commit"
TAG_CREATED = "tricolor:created-at"
TAG_TTL = "tricolor:ttl"
TAG_VALUE_MAX = 256  # bytes; Pulumi refuses longer tag values

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
    """The three facts, each checked against its bounds (see the module docstring)."""
    text = str(pr)
    if not text.isdigit() or len(text) > 10 or not 1 <= int(text) <= PR_MAX:
        raise MetadataError(f"pull-request number {quote(pr)} is not an integer in 1..{PR_MAX}")
    if created is None:
        raise MetadataError("the creation time is missing")
    if ttl is None:
        raise MetadataError("the TTL is missing")
    try:
        when = parse_time(str(created)[:64])
    except ValueError as exc:
        raise MetadataError(f"the creation time: {exc}") from None
    try:
        lifetime = parse_duration(str(ttl)[:64], MAX_TTL)
    except ValueError as exc:
        raise MetadataError(f"the TTL: {exc}") from None
    if lifetime <= timedelta(0):
        raise MetadataError(f"the TTL {quote(ttl)} is outside 0..{format_duration(MAX_TTL)}")
    if when < EARLIEST:
        raise MetadataError(f"the creation time {quote(created)} is before {EARLIEST.year}")
    try:
        when + lifetime
    except OverflowError:
        raise MetadataError(f"the creation time {quote(created)} is absurd (its expiry overflows)") from None
    return int(text), when, lifetime


def from_tags(tags: Mapping[str, str]) -> PreviewMeta | None:
    """The preview facts in stack tags; ``None`` without the marker; ``MetadataError``
    when the marker is there but a fact is missing or malformed."""
    if not tag_marked(tags):
        return None
    pr, created, ttl = _facts(tags.get(TAG_PR), tags.get(TAG_CREATED), tags.get(TAG_TTL))
    return PreviewMeta(pr=pr, created_at=created, ttl=ttl, branch=_fit_tag(str(tags.get(TAG_BRANCH) or "")) or None,
                       commit=_fit_tag(str(tags.get(TAG_COMMIT) or "")) or None, source="tags")


def tag_marked(tags: Mapping[str, Any]) -> bool:
    """Whether stack tags carry the preview marker."""
    return str(tags.get(TAG_MARKER, "")).lower() == "true"


def label_marked(found: Mapping[str, Any]) -> bool:
    """Whether the labels of a checkpoint's resources carry the preview marker."""
    return str(found.get(labels.PREVIEW, "")).lower() == "true"


def from_labels(found: Mapping[str, Any]) -> PreviewMeta | None:
    """The preview facts in the labels the program puts on every object (see
    ``components.args.common_labels``); ``None`` without the marker."""
    if not label_marked(found):
        return None
    pr, created, ttl = _facts(found.get(labels.PR), found.get(labels.CREATED_AT), found.get(labels.TTL))
    return PreviewMeta(pr=pr, created_at=created, ttl=ttl, source="labels")
