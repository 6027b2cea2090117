"""List the stacks of a self-managed backend with their preview facts, no Pulumi CLI.

Layout read (Pulumi's DIY backend; ``layout`` says which of the two Pulumi uses)::

    .pulumi/meta.yaml                               {version: 1}: per project; 0 or absent: unscoped
    .pulumi/stacks/<project>/<stack>.json[.gz]      checkpoint (project-scoped layout)
    .pulumi/stacks/<project>/<stack>.pulumi-tags    stack tags {"version": 1, "tags": {...}}
    .pulumi/stacks/<stack>.json[.gz]                checkpoint (old unscoped layout)
    .pulumi/locks/<project>/<stack>/<id>.json       an update in progress

Invariants:

- Tags win. A tags file that is there decides whether the stack is a preview, even
  when it says "not a preview" and the checkpoint's labels say otherwise (that conflict
  is the record's ``problem``). Labels decide only when there is no tags file.
- ``marked`` is ``None`` when it cannot be told (a tags file that cannot be read, or no
  tags file and a checkpoint that cannot be read).
- Any fact that cannot be read or does not agree (a checkpoint naming another stack or
  project, a lock folder that cannot be listed) is the record's ``problem``; the reaper
  keeps such a stack and reports it.
- One stack that cannot be read never stops the listing of the others.
- ``unreachable`` says why Pulumi could not address the stack by its qualified name in
  this backend's layout (``layout.BackendLayout.reaches``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from .destroy import ORGANIZATION, StackRef
from .errors import BackendError
from .layout import BackendLayout, read_layout
from .quote import quote
from .state import CheckpointError, CheckpointInfo, read_info
from .store import BackendStore
from .tags import MetadataError, PreviewMeta, from_labels, from_tags, label_marked

__all__ = ["LOCKS", "STACKS", "StackRecord", "list_previews", "list_stacks", "read_stack", "reread"]

STACKS = ".pulumi/stacks/"
LOCKS = ".pulumi/locks/"
CHECKPOINT_SUFFIXES = (".json", ".json.gz")
TAGS_SUFFIX = ".pulumi-tags"
_TAGS_MAX = 256 * 1024


@dataclass(frozen=True)
class StackRecord:
    """One stack of the backend as the lister saw it."""

    name: str
    project: str | None  # None: the old unscoped layout
    key: str
    tags: dict[str, str] = field(default_factory=dict)
    meta: PreviewMeta | None = None
    marked: bool | None = False  # carries the preview marker; None: cannot be told
    problem: str | None = None
    resources: int = 0
    locked: bool | None = False  # None: the locks cannot be listed
    unreachable: str | None = None

    @property
    def ref(self) -> StackRef:
        return StackRef(self.project, self.name)

    @property
    def qualified(self) -> str:
        """``organization/<project>/<stack>``, or the bare name in the unscoped layout."""
        return self.ref.qualified


def _split(key: str) -> tuple[str | None, str, str] | None:
    """``(project, stack, kind)`` of a key under ``.pulumi/stacks/``; ``None`` for other files."""
    parts = key[len(STACKS):].split("/")
    if len(parts) > 2 or not all(parts):
        return None
    project = parts[0] if len(parts) == 2 else None
    file = parts[-1]
    for suffix in (*CHECKPOINT_SUFFIXES, TAGS_SUFFIX):
        if file.endswith(suffix) and len(file) > len(suffix):
            kind = "tags" if suffix == TAGS_SUFFIX else suffix
            return project, file[: -len(suffix)], kind
    return None


def read_tags(store: BackendStore, key: str) -> tuple[dict[str, str] | None, str | None]:
    """Stack tags from a ``.pulumi-tags`` file: ``(tags, problem)``; ``(None, None)`` when
    there is no such file."""
    data = store.read(key)
    if data is None:
        return None, None
    if len(data) > _TAGS_MAX:
        return None, f"{key}: larger than {_TAGS_MAX // 1024} KiB"
    try:
        document = json.loads(data)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        return None, f"{key}: not JSON ({type(exc).__name__})"
    tags = document.get("tags") if isinstance(document, dict) else None
    if not isinstance(tags, dict) or document.get("version") != 1:
        return None, f"{key}: not a version 1 stack tags file"
    return {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in tags.items()}, None


def _lock_state(project: str | None, stack: str, lock_keys: list[str] | None) -> bool | None:
    if lock_keys is None:
        return None
    prefix = f"{LOCKS}{project}/{stack}/" if project else f"{LOCKS}{stack}/"
    return any(k.startswith(prefix) and k.endswith(".json") for k in lock_keys)


def _identity_problem(info: CheckpointInfo, project: str | None, stack: str) -> str | None:
    """Why the checkpoint is not the stack its path says it is, or ``None``."""
    own = info.stack
    if own is not None:
        parts = own.split("/")
        expected = (stack,) if project is None else (stack, f"{ORGANIZATION}/{project}/{stack}")
        if own not in expected and not (project is None and len(parts) == 3 and parts[2] == stack):
            return f"the checkpoint names stack {quote(own)}, not {quote(StackRef(project, stack).qualified)}"
    for urn_stack, urn_project in sorted(info.owners):
        if urn_stack != stack or (project is not None and urn_project != project):
            return (f"the checkpoint holds resources of stack {quote(urn_stack)} in project "
                    f"{quote(urn_project)}, not of this stack")
    return None


def _marker(tags: dict[str, str] | None, tags_problem: str | None, info: CheckpointInfo | None,
            info_problem: str | None) -> tuple[bool | None, PreviewMeta | None, str | None]:
    """``(marked, meta, problem)``: tags first, labels only without a tags file."""
    if tags_problem:
        return None, None, f"the stack tags cannot be read, so whether it is a preview cannot be told: {tags_problem}"
    if tags is not None:
        try:
            meta = from_tags(tags)
        except MetadataError as exc:
            return True, None, f"preview tags are broken: {exc}"
        if meta is not None:
            return True, meta, info_problem
        if info is not None and label_marked(info.labels):
            return False, None, ("its stack tags say it is not a preview but its checkpoint labels say it is; "
                                 "the tags win")
        return False, None, None
    if info is None:
        return None, None, info_problem
    try:
        meta = from_labels(info.labels)
    except MetadataError as exc:
        return True, None, info_problem or f"preview labels are broken: {exc}"
    return (meta is not None), meta, info_problem


def read_stack(store: BackendStore, project: str | None, stack: str, checkpoint_key: str,
               lock_keys: list[str] | None, layout: BackendLayout) -> StackRecord:
    """Everything the previews need to know about one stack (never raises for one
    unreadable file: the record's ``problem`` says what went wrong)."""
    base = checkpoint_key[: -len(".gz")] if checkpoint_key.endswith(".gz") else checkpoint_key
    tags_key = base[: -len(".json")] + TAGS_SUFFIX
    try:
        tags, tags_problem = read_tags(store, tags_key)
    except BackendError as exc:
        tags, tags_problem = None, str(exc)
    info: CheckpointInfo | None = None
    info_problem: str | None = None
    try:
        data = store.read(checkpoint_key)
    except BackendError as exc:
        data, info_problem = None, str(exc)
    if data is None:
        info_problem = info_problem or f"{checkpoint_key}: gone while listing"
    else:
        try:
            info = read_info(data, where=checkpoint_key)
        except CheckpointError as exc:
            info_problem = str(exc)
        else:
            info_problem = _identity_problem(info, project, stack)
    marked, meta, problem = _marker(tags, tags_problem, info, info_problem)
    locked = _lock_state(project, stack, lock_keys)
    if marked and locked is None and problem is None:
        problem = "the backend's locks cannot be listed, so an update in progress cannot be ruled out"
    return StackRecord(name=stack, project=project, key=checkpoint_key, tags=tags or {}, meta=meta, marked=marked,
                       problem=problem, resources=info.resources if info else 0, locked=locked,
                       unreachable=layout.reaches(project))


def _checkpoints(keys: list[str], project: str | None) -> dict[tuple[str | None, str], str]:
    found: dict[tuple[str | None, str], str] = {}
    for key in keys:
        split = _split(key) if key.startswith(STACKS) else None
        if split is None:
            continue
        owner, stack, kind = split
        if kind == "tags" or (project is not None and owner not in (project, None)):
            continue
        # Pulumi removes one form when it writes the other; should both exist, the plain file wins.
        if (owner, stack) not in found or kind == ".json":
            found[(owner, stack)] = key
    return found


def _legacy_stacks(store: BackendStore, keys: list[str] | None = None) -> bool:
    """Whether any old-layout (unscoped) checkpoint exists."""
    listed = store.list(STACKS) if keys is None else keys
    return any(owner is None for owner, _ in _checkpoints(listed, None))


def _layout_and_locks(store: BackendStore, keys: list[str] | None = None) -> tuple[BackendLayout, list[str] | None]:
    layout = read_layout(store, lambda: _legacy_stacks(store, keys))
    try:
        lock_keys: list[str] | None = store.list(LOCKS)
    except BackendError:
        lock_keys = None
    return layout, lock_keys


def _safely(store: BackendStore, owner: str | None, stack: str, key: str, lock_keys: list[str] | None,
            layout: BackendLayout) -> StackRecord:
    try:
        return read_stack(store, owner, stack, key, lock_keys, layout)
    except Exception as exc:  # noqa: BLE001 - one stack that cannot be read never stops the others
        return StackRecord(name=stack, project=owner, key=key, marked=None, locked=None,
                           problem=f"cannot be read: {type(exc).__name__}: {str(exc)[:300]}",
                           unreachable=layout.reaches(owner))


def list_stacks(store: BackendStore, project: str | None = None) -> list[StackRecord]:
    """Every stack in the backend (of ``project`` and of the old unscoped layout when
    ``project`` is given), previews or not, sorted by name; ``BackendError`` only when
    the stacks cannot be listed at all."""
    keys = store.list(STACKS)
    checkpoints = _checkpoints(keys, project)
    layout, lock_keys = _layout_and_locks(store, keys)
    records = [_safely(store, owner, stack, key, lock_keys, layout) for (owner, stack), key in checkpoints.items()]
    return sorted(records, key=lambda r: (r.name, r.project or ""))


def list_previews(store: BackendStore, project: str | None = None) -> list[StackRecord]:
    """The stacks that carry the preview marker, or whose marker cannot be read."""
    return [r for r in list_stacks(store, project) if r.marked is not False]


def reread(store: BackendStore, record: StackRecord) -> StackRecord:
    """``record`` read again from the backend (its layout, locks, tags and checkpoint),
    as the reaper does right before it destroys: the marker must still be there. The
    whole backend is listed again only when its layout depends on it (no ``meta.yaml``)."""
    layout, lock_keys = _layout_and_locks(store)
    return _safely(store, record.project, record.name, record.key, lock_keys, layout)
