"""Where the release ledger of a command is, from its options and the user's project.

Kept apart from ``project`` so that commands which never touch a ledger (``preview``)
do not import the release engine.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..rollout.stores.base import LEDGER_ENV, ledger_location
from ..stacks.config import project_root
from ..stacks.project import ProjectError

__all__ = ["ledger_at"]


def ledger_at(explicit: str | None, configured: str | None = None, stacks_dir: Path | None = None) -> str:
    """The ledger's location: ``--ledger``, ``$TRICOLOR_LEDGER``, ``tricolor:ledger``,
    else ``.tricolor/ledger``; a relative folder is under the project's root."""
    try:
        root: Path | None = project_root(stacks_dir)
    except ProjectError:
        if not (explicit or os.environ.get(LEDGER_ENV) or configured):
            raise
        root = None
    return ledger_location(explicit, configured, project=root)
