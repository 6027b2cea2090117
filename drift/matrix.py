"""The parity matrix of offline-rendered stacks (for ``tricolor plan``).

Renders nothing itself: it takes ``tricolor.stacks.Rendered`` stacks, turns them into
snapshots (production as blue and green), compares the stacks of each backend with the
spec's ``parity.allowed`` (a Kubernetes stack is not compared with an AWS one: their
resources differ by design), and returns a rich renderable plus a JSON-able list.

Rows whose only differences are release-managed (image, color, weight) or
per-environment (a stack's own hostnames) are expected by construction: they are
counted under the table, not listed. Rows with drift or with differences the spec's
``parity.allowed`` permits are listed. Every value is printed as ``rich.text.Text``,
never as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .diff import compare
from .model import DriftResult
from .present import RANK, matrix, short_role
from .snapshots import snapshots_from_rendered
from .text_report import wrap_path

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.table import Table

    from ..stacks.render import Rendered

__all__ = ["BY_CONSTRUCTION", "expected_only", "parity_matrix", "parity_result"]

BY_CONSTRUCTION = ("release-managed", "per-environment")
CELL = {"parity": ("same", "dim"), "allowed": ("allowed", "green"), "ignored": ("ignored", "yellow"),
        "drift": ("DRIFT", "bold red")}


def parity_result(rendered: Sequence[Rendered], allowed: Sequence[str] | None = None) -> DriftResult:
    """Compare the environments of ``rendered`` (two or more, one backend)."""
    snapshots = [s for r in rendered for s in snapshots_from_rendered(r)]
    if allowed is None:
        allowed = list(rendered[0].stack.base_spec.parity.allowed) if rendered else []
    return compare(snapshots, allowed)


def expected_only(row: dict[str, Any]) -> bool:
    """Whether every difference of a matrix row is release-managed or per-environment."""
    fields = [f for cell in row["cells"] for f in cell["fields"]]
    return bool(fields) and all(f["status"] == "allowed" and f["reason"].startswith(BY_CONSTRUCTION)
                                for f in fields)


def _cell_lines(cell: dict[str, Any], width: int) -> list[str]:
    """The fields where this environment is the odd one, release-managed and
    per-environment ones left out; paths wrapped only after a dot."""
    lines: list[str] = []
    for f in cell["fields"]:
        if not f["odd"] or f["reason"].startswith(BY_CONSTRUCTION):
            continue
        lines += wrap_path(f["path"], width, 0, 1)
        value = str(f["value"])
        lines.append("= " + (value if len(value) <= 2 * width else value[: 2 * width - 1] + "…"))
    return lines


def _table(backend: str, result: DriftResult, rows: list[dict[str, Any]], changed_only: bool,
           width: int) -> Table:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"parity matrix ({backend})", title_justify="left")
    table.add_column("resource")
    for label in result.environments:
        table.add_column(label)
    column = max(16, (width - 4 * (len(result.environments) + 1)) // (len(result.environments) + 1))
    same = expected = 0
    for row in rows:
        if row["status"] == "parity":
            same += 1
            if changed_only:
                continue
        elif expected_only(row):
            expected += 1
            if changed_only:
                continue
        cells = []
        for cell in row["cells"]:
            listed = [f["status"] for f in cell["fields"] if f["odd"] and not f["reason"].startswith(BY_CONSTRUCTION)]
            word, style = CELL[max(listed, key=RANK.__getitem__, default="parity")]
            text = Text(word, style=style)
            shown = _cell_lines(cell, column)
            for line in shown[:8]:
                text.append("\n" + line, style="dim")
            if len(shown) > 8:
                text.append("\n…", style="dim")
            cells.append(text)
        table.add_row(Text(short_role(row["resource"])), *cells)
    counts = result.counts
    table.caption = Text(
        f"{counts['drift']} drift, {counts['allowed']} allowed; of {len(rows)} resources, {same} the same "
        f"everywhere and {expected} differing only in release-managed or per-environment fields"
        + (" (counted, not listed)" if changed_only and (same or expected) else ""))
    return table


def parity_matrix(rendered: Sequence[Rendered], allowed: Sequence[str] | None = None,
                  changed_only: bool = False, width: int = 120) -> tuple[RenderableType, list[dict[str, Any]]]:
    """Per backend, a table of resources by environments (each cell its status and
    differing fields), and the same as JSON-able rows (each with its ``backend``; all
    rows, also with ``changed_only``, which leaves the rows that are the same everywhere
    or differ only by construction out of the table). A cell lists the fields where its
    environment is the odd one, paths wrapped after dots to fit ``width`` columns.
    Backends with fewer than two environments are skipped."""
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
        tables.append(_table(backend, result, found, changed_only, width))
        rows.extend({"backend": backend, **row} for row in found)
    if not tables:
        return Text("parity matrix: fewer than two environments per backend, nothing to compare"), []
    return Group(*tables), rows
