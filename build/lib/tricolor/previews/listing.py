"""List the stacks of a self-managed backend with their preview facts, no Pulumi CLI.

Layout read (Pulumi's DIY backend)::

    .pulumi/stacks/<project>/<stack>.json[.gz]      checkpoint (project-scoped layout)
    .pulumi/stacks/<project>/<stack>.pulumi-tags    stack tags {"version": 1, "tags": {...}}
    .pulumi/stacks/<stack>.json[.gz]                checkpoint (legacy layout, no project)
    .pulumi/locks/<project>/<stack>/<id>.json       an update in progress
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from .state import CheckpointError, CheckpointInfo, read_info
from .store import BackendStore
from .tags import MetadataError, PreviewMeta, from_labels, from_tags

STACKS = ".pulumi/stacks/"
LOCKS = ".pulumi/locks/"
CHECKPOINT_SUFFIXES = (".json", ".json.gz")
TAGS_SUFFIX = ".pulumi-tags"


@dataclass(frozen=True)
class StackRecord:
    """One stack of the backend as the lister saw it."""

    name: str
    project: str | None
    key: str
    tags: dict[str, str] = field(default_factory=dict)
    meta: PreviewMeta | None = None
    marked: bool = False  # carries the preview marker (even if its other facts are broken)
    problem: str | None = None
    resources: int = 0
    locked: bool = False

    @property
    def qualified(self) -> str:
        """``organization/<project>/<stack>``, as the DIY backend names it."""
        return f"organization/{self.project}/{self.name}" if self.project else self.name


def _split(key: str) -> tuple[str | None, str, str] | None:
    """``(project, stack, kind)`` of a key under ``.pulumi/stacks/``; ``None`` for other files."""
    rest = key[len(STACKS):]
    parts = rest.split("/")
    if len(parts) > 2:
        return None
    project = parts[0] if len(parts) == 2 else None
    file = parts[-1]
    for suffix in (*CHECKPOINT_SUFFIXES, TAGS_SUFFIX):
        if file.endswith(suffix) and len(file) > len(suffix):
            kind = "tags" if suffix == TAGS_SUFFIX else suffix
            return project, file[: -len(suffix)], kind
    return None


def read_tags(store: BackendStore, key: str) -> tuple[dict[str, str], str | None]:
    """Stack tags from a ``.pulumi-tags`` file: ``(tags, problem)``; no file, no tags."""
    data = store.read(key)
    if data is None:
        return {}, None
    try:
        document = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return {}, f"{key}: not JSON ({exc})"
    tags = document.get("tags") if isinstance(document, dict) else None
    if not isinstance(tags, dict) or document.get("version") != 1:
        return {}, f"{key}: not a version 1 stack tags file"
    return {str(k): str(v) for k, v in tags.items()}, None


def _locked(store: BackendStore, project: str | None, stack: str, lock_keys: list[str]) -> bool:
    prefix = f"{LOCKS}{project}/{stack}/" if project else f"{LOCKS}{stack}/"
    return any(k.startswith(prefix) and k.endswith(".json") for k in lock_keys)


def read_stack(store: BackendStore, project: str | None, stack: str, checkpoint_key: str,
               lock_keys: list[str] | None = None) -> StackRecord:
    """Everything the previews need to know about one stack."""
    base = checkpoint_key[: -len(".gz")] if checkpoint_key.endswith(".gz") else checkpoint_key
    tags_key = base[: -len(".json")] + TAGS_SUFFIX
    tags, problem = read_tags(store, tags_key)
    info: CheckpointInfo | None = None
    data = store.read(checkpoint_key)
    if data is None:
        problem = problem or f"{checkpoint_key}: gone while listing"
    else:
        try:
            info = read_info(data, where=checkpoint_key)
        except CheckpointError as exc:
            problem = problem or str(exc)
    meta: PreviewMeta | None = None
    marked = False
    for source, read in (("tags", lambda: from_tags(tags)),
                         ("labels", lambda: from_labels(info.labels if info else {}))):
        try:
            meta = read()
        except MetadataError as exc:
            marked = True
            problem = problem or f"preview {source} are broken: {exc}"
            continue
        if meta is not None:
            marked = True
            break
    return StackRecord(
        name=stack, project=project, key=checkpoint_key, tags=tags, meta=meta, marked=marked,
        problem=problem, resources=info.resources if info else 0,
        locked=_locked(store, project, stack, lock_keys or []),
    )


def list_stacks(store: BackendStore, project: str | None = None) -> list[StackRecord]:
    """Every stack in the backend (of ``project`` plus legacy unscoped stacks when
    ``project`` is given), previews or not, sorted by name."""
    checkpoints: dict[tuple[str | None, str], str] = {}
    for key in store.list(STACKS):
        split = _split(key)
        if split is None:
            continue
        owner, stack, kind = split
        if kind == "tags" or (project is not None and owner not in (project, None)):
            continue
        # Pulumi removes one form when it writes the other; should both exist, the plain file wins.
        if (owner, stack) not in checkpoints or kind == ".json":
            checkpoints[(owner, stack)] = key
    lock_keys = store.list(LOCKS) if checkpoints else []
    records = [read_stack(store, owner, stack, key, lock_keys) for (owner, stack), key in checkpoints.items()]
    return sorted(records, key=lambda r: (r.name, r.project or ""))


def list_previews(store: BackendStore, project: str | None = None) -> list[StackRecord]:
    """Only the stacks that carry the preview marker."""
    return [r for r in list_stacks(store, project) if r.marked]
