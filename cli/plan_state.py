"""The release state ``tricolor plan`` renders production stacks with, and the check
that a team's production stacks share their ledger.

A plain ``plan`` renders what the stack config says (a render never reads a ledger,
so a stale ``.tricolor/`` in a checkout changes nothing). ``plan --ledger LOCATION``
renders each production stack with the state in force recorded there (the weights,
images, scaled-down color, header routes and revisions a release left), as ``pulumi up``
would (``plan_revisions.render_all``).

A production stack whose Pulumi state is shared (``backend.url`` in ``Pulumi.yaml`` or
``$PULUMI_BACKEND_URL``, other than a local folder) but whose ledger is not
(``tricolor:ledger`` unset or a folder) is warned about: a teammate's plain
``pulumi up`` would not see the weights of a release in progress and would undo it.
"""

from __future__ import annotations

from pathlib import Path

from ..rollout.stores.base import scheme_of
from ..stacks.config import StackInput, stacks_folder
from ..stacks.project import project_of, shared_backend
from .project import working_project

__all__ = ["ledger_warnings"]


def ledger_warnings(inputs: list[StackInput], stacks_dir: Path | None) -> list[str]:
    """A warning per production stack on a shared state backend without a shared ledger."""
    project = project_of(stacks_folder(stacks_dir)) or working_project()
    backend = shared_backend(project) if project is not None else None
    if backend is None:
        return []
    out = []
    for item in inputs:
        stack = item.stack
        ledger = stack.config.ledger
        if stack.environment != "production" or (ledger is not None and scheme_of(ledger) != "file"):
            continue
        where = f"a local folder ({ledger})" if ledger else "not set (.tricolor/ledger on each machine)"
        out.append(f"stack {stack.name} is production on the shared state backend {backend[:120]}, but its "
                   f"release ledger is {where}: a teammate's `pulumi up` would not see a release in progress and "
                   "would undo its weights. Set tricolor:ledger to shared storage (s3://bucket/prefix) in "
                   f"Pulumi.{stack.name}.yaml.")
    return out
