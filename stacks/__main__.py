"""The Pulumi program's entry point: Pulumi runs this file as ``__main__``
(``Pulumi.yaml``: ``main: stacks/``), and a project of the user's own runs it from its
own ``stacks/__main__.py``::

    from tricolor.stacks.__main__ import main

    main()

The program's composition root: it reads the release state in force from the ledger
(``tricolor:ledger``, or ``$TRICOLOR_LEDGER``; a relative folder, and the default
``.tricolor/ledger``, under the project's root) and hands it to ``build()``, which
itself reads no file and no environment. Importing this module runs nothing.
"""

from __future__ import annotations

from pathlib import Path

from tricolor.rollout.program_state import ledger_state
from tricolor.stacks.program import main as run
from tricolor.stacks.project import project_of

__all__ = ["main"]


def main() -> None:
    """Build the running stack (``pulumi up`` runs in the project: its root is found
    from the working directory)."""
    project = project_of(Path.cwd())
    root = project.root if project is not None else None
    run(lambda stack: ledger_state(stack, root))


if __name__ == "__main__":
    main()
