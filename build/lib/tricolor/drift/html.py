"""The HTML report: one self-contained page (inline CSS, no scripts or external assets),
a matrix of environments by resources coloured by status, with each cell's field
differences."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from .model import DriftResult
from .report import show, summary_line

RANK = {"parity": 0, "allowed": 1, "ignored": 2, "drift": 3}


def matrix(result: DriftResult) -> list[dict[str, Any]]:
    """Rows of the matrix: per resource, per environment the worst status and the
    fields whose value there differs from the first environment that has the field."""
    grouped = result.by_resource()
    rows: list[dict[str, Any]] = []
    for role in result.roles or tuple(grouped):
        diffs = grouped.get(role, [])
        cells: list[dict[str, Any]] = []
        for label in result.environments:
            fields: list[dict[str, Any]] = []
            status: str = "parity"
            for d in diffs:
                fields.append({"path": d.path or "(resource)", "value": show(d.values.get(label), 120),
                               "status": d.status, "reason": d.reason, "new": bool(d.new)})
                if RANK[d.status] > RANK[status]:
                    status = d.status
            cells.append({"environment": label, "status": status, "fields": fields})
        worst = max((str(c["status"]) for c in cells), key=RANK.__getitem__, default="parity")
        rows.append({"resource": role, "type": result.types.get(role, ""), "status": worst, "cells": cells})
    rows.sort(key=lambda r: (-RANK[r["status"]], r["resource"]))
    return rows


def to_html(result: DriftResult) -> str:
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("tricolor.drift", "templates"), autoescape=select_autoescape(["html"]))
    template = env.get_template("report.html")
    return template.render(result=result, rows=matrix(result), summary=summary_line(result),
                           counts=result.counts, generated=datetime.now(UTC).isoformat(timespec="seconds"))
