"""Which layout a DIY backend uses, so that a stack is only ever addressed by the name
Pulumi itself would resolve to that same stack.

Pulumi's DIY backend (``pkg/backend/diy/meta.go``, ``store.go``) keeps
``.pulumi/meta.yaml`` with ``version``:

- ``1``: project-scoped. Stacks live at ``.pulumi/stacks/<project>/<stack>.json`` and
  are addressed as ``organization/<project>/<stack>``. Files left at
  ``.pulumi/stacks/<stack>.json`` (the old layout) are invisible to Pulumi: no name
  reaches them, and a bare name would resolve to the *current project's* stack.
- ``0``, or no file while old-layout stack files exist: legacy (unscoped). Stacks live at
  ``.pulumi/stacks/<stack>.json`` and are addressed by the bare name; project folders
  are invisible to Pulumi, so a preview in one can never be reached by name.
- no file and no old-layout stacks: what Pulumi creates on first use, project-scoped.

Anything else (an unreadable or unknown ``meta.yaml``) is ``None``: no stack of that
backend can be addressed safely, so nothing in it is destroyed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import yaml

from .errors import BackendError
from .store import BackendStore

__all__ = ["META", "BackendLayout", "Layout", "read_layout"]

META = ".pulumi/meta.yaml"
_META_MAX = 64 * 1024
Layout = Literal["project", "legacy"]


@dataclass(frozen=True)
class BackendLayout:
    """The layout Pulumi uses for this backend (``None`` when it cannot be told, and why)."""

    layout: Layout | None
    problem: str | None = None

    def reaches(self, project: str | None) -> str | None:
        """``None`` when Pulumi addresses a stack filed under ``project`` (``None``: the
        old unscoped layout) by the name the reaper would give it; else why not."""
        if self.layout is None:
            return f"the backend's layout cannot be told ({self.problem})"
        if self.layout == "project" and project is None:
            return ("it is filed in the old unscoped layout of a project-scoped backend, where Pulumi cannot "
                    "reach it by name (a bare name would select the current project's stack); "
                    "migrate it with `pulumi state upgrade`")
        if self.layout == "legacy" and project is not None:
            return (f"it is filed under project {project!r} of a backend in the old unscoped layout, where "
                    "Pulumi cannot reach it by name (a bare name would select the unscoped stack)")
        return None


def read_layout(store: BackendStore, legacy_stacks: Callable[[], bool]) -> BackendLayout:
    """The backend's layout from ``.pulumi/meta.yaml``; ``legacy_stacks()`` says whether
    old-layout stack files exist (asked only when there is no ``meta.yaml``)."""
    try:
        data = store.read(META)
        if data is None:
            return BackendLayout("legacy" if legacy_stacks() else "project")
    except BackendError as exc:
        return BackendLayout(None, str(exc))
    if len(data) > _META_MAX:
        return BackendLayout(None, f"{META} is larger than {_META_MAX} bytes")
    try:
        document = yaml.safe_load(data)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        return BackendLayout(None, f"{META} is not YAML ({type(exc).__name__})")
    version = document.get("version") if isinstance(document, dict) else None
    if version == 0 and not isinstance(version, bool):
        return BackendLayout("legacy")
    if version == 1 and not isinstance(version, bool):
        return BackendLayout("project")
    return BackendLayout(None, f"{META} has version {str(version)[:20]!r}; known: 0 (unscoped), 1 (per project)")
