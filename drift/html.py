"""The HTML report: one self-contained page (inline CSS, no script, no external asset).

One row per difference, drift first; in each row the odd environment's cell is marked
(class ``odd``, a badge), the others show the baseline value plainly. Three checkboxes
filter drift, allowed and ignored rows with CSS alone (``:checked ~``); allowed rows
are hidden until their box is ticked (``show_allowed`` ticks it). Resources that are
the same everywhere are listed folded. Every value is escaped by Jinja's autoescape.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from .model import DriftResult
from .present import display, short_role, summary_line

__all__ = ["rows", "to_html"]

_ORDER = {"drift": 0, "ignored": 1, "allowed": 2}


def rows(result: DriftResult) -> list[dict[str, Any]]:
    """The table rows: one per difference, drift first, then by resource and path."""
    out = []
    for d in sorted(result.differences, key=lambda d: (_ORDER[d.status], d.resource, d.path)):
        out.append({
            "status": d.status, "resource": short_role(d.resource), "role": d.resource, "type": d.type,
            "path": d.path or "(resource)", "reason": d.reason, "new": bool(d.new),
            "cells": [{"environment": e, "value": display(d, e, 240), "odd": e in d.odd}
                      for e in result.environments],
        })
    return out


def to_html(result: DriftResult, show_allowed: bool = False) -> str:
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("tricolor.drift", "templates"), autoescape=select_autoescape(["html"]))
    differing = set(result.by_resource())
    same = [short_role(r) for r in result.roles if r not in differing]
    return env.get_template("report.html").render(
        result=result, rows=rows(result), summary=summary_line(result), counts=result.counts, same=same,
        show_allowed=show_allowed, generated=datetime.now(UTC).isoformat(timespec="seconds"))
