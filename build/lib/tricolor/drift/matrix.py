"""The parity matrix of offline-rendered stacks (for ``tricolor plan``).

Renders nothing itself: it takes ``tricolor.stacks.Rendered`` stacks, turns them into
snapshots (production as blue and green), compares the stacks of each backend with the
spec's ``parity.allowed`` (a Kubernetes stack is not compared with an AWS one: their
resources differ by design), and returns a rich renderable plus a JSON-able list.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .diff import compare
from .html import matrix
from .model import DriftResult
from .normalize import snapshots_from_rendered

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.table import Table

    from ..stacks.render import Rendered

CELL = {"parity": "[dim]same[/]", "allowed": "[green]allowed[/]", "ignored": "[yellow]ignored[/]",
        "drift": "[bold red]DRIFT[/]"}


def parity_result(rendered: Sequence[Rendered], allowed: Sequence[str] | None = None) -> DriftResult:
    """Compare the environments of ``rendered`` (two or more, one backend)."""
    snapshots = [s for r in rendered for s in snapshots_from_rendered(r)]
    if allowed is None:
        allowed = list(rendered[0].stack.base_spec.parity.allowed) if rendered else []
    return compare(snapshots, allowed)


def _table(backend: str, result: DriftResult, rows: list[dict[str, Any]], changed_only: bool) -> Table:
    from rich.table import Table

    table = Table(title=f"parity matrix ({backend})", title_justify="left")
    table.add_column("resource", overflow="fold")
    for label in result.environments:
        table.add_column(label, overflow="fold")
    for row in rows:
        if changed_only and row["status"] == "parity":
            continue
        cells = []
        for cell in row["cells"]:
            shown = [f"{f['path']}={f['value']}" for f in cell["fields"] if f["status"] == cell["status"]]
            detail = "\n".join(shown[:4]) + ("\n…" if len(shown) > 4 else "")
            cells.append(CELL[cell["status"]] + (f"\n[dim]{detail}[/]" if detail else ""))
        table.add_row(row["resource"], *cells)
    counts = result.counts
    same = sum(1 for row in rows if row["status"] == "parity")
    table.caption = (f"{counts['drift']} drift, {counts['allowed']} allowed (parity.allowed, release-managed or "
                     f"per-environment); {result.resources} resources, {same} the same everywhere"
                     + (" (not shown)" if changed_only and same else ""))
    return table


def parity_matrix(rendered: Sequence[Rendered], allowed: Sequence[str] | None = None,
                  changed_only: bool = False) -> tuple[RenderableType, list[dict[str, Any]]]:
    """Per backend, a table of resources by environments (each cell its status and
    differing fields), and the same as JSON-able rows (each with its ``backend``; all
    rows, also with ``changed_only``, which leaves the same-everywhere rows out of the
    table). Backends with fewer than two environments are skipped."""
    from rich.console import Group
    from rich.text import Text

    by_backend: dict[str, list[Rendered]] = {}
    for r in rendered:
        by_backend.setdefault(r.stack.backend, []).append(r)
    tables: list[Any] = []
    rows: list[dict[str, Any]] = []
    for backend, group in by_backend.items():
        if sum(2 if r.stack.environment == "production" else 1 for r in group) < 2:
            continue
        result = parity_result(group, allowed)
        found = matrix(result)
        tables.append(_table(backend, result, found, changed_only))
        rows.extend({"backend": backend, **row} for row in found)
    if not tables:
        return Text("parity matrix: fewer than two environments per backend, nothing to compare"), []
    return Group(*tables), rows
