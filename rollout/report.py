"""The release report: a JSON document and an HTML page with a plot of the weights, the
judged metrics, and the canary's requested against delivered share of traffic over time
(matplotlib, embedded as a PNG).

The document's ``traffic`` series has one point per look of an analysis: the weight
asked for (``requested``, percent), the share the canary got (``delivered``, percent;
``None`` without request totals), the check's status and tolerance. Its ``revisions``
name what each color ran (the revision's spec is not repeated: it is in the ledger).
"""

from __future__ import annotations

import base64
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2

from ..vocab.labels import COLORS
from .record import LedgerRecord

TEMPLATES = Path(__file__).with_name("templates")


def _iso(ts: float | None) -> str | None:
    return None if ts is None else datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds")


def report_document(rec: LedgerRecord) -> dict[str, Any]:
    """Everything about one release, with ISO timestamps next to the epoch seconds."""
    data = rec.model_dump(mode="json")
    return {
        "stack": rec.stack, "release": rec.release_id, "status": str(rec.status), "image": rec.image,
        "reason": rec.reason, "started_at": _iso(rec.started_at), "started_by": rec.started_by,
        "finished_at": _iso(rec.finished_at), "weights": data["weights"], "images": data["images"],
        "canary": rec.canary, "stable": rec.stable, "active": rec.active,
        "rollback_until": _iso(rec.rollback_until), "scaled_down": rec.scaled_down,
        "steps": data["plan"],
        "timeline": [{**e, "time": _iso(e["at"])} for e in data["events"]],
        "verdicts": [{**v, "time": _iso(v["at"])} for v in data["verdicts"]],
        "traffic": traffic_series(rec),
        "revision": rec.new_revision.label if rec.new_revision is not None else None,
        "revisions": {color: rec.catalog[rid].label for color, rid in (rec.revisions or {}).items()
                      if rid in rec.catalog},
    }


def traffic_series(rec: LedgerRecord) -> list[dict[str, Any]]:
    """Requested against delivered share of the canary, one point per checked look."""
    out = []
    for verdict in rec.verdicts:
        found = verdict.traffic
        if not found:
            continue
        observed = found.get("observed_share")
        out.append({"at": verdict.at, "time": _iso(verdict.at), "step": verdict.step,
                    "requested": found.get("weight"),
                    "delivered": None if observed is None else round(float(observed) * 100, 3),
                    "status": found.get("status"), "tolerance_points": found.get("tolerance_points"),
                    "baseline_total": found.get("baseline_total"), "canary_total": found.get("canary_total")})
    return out


def plot_png(rec: LedgerRecord) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t0 = rec.started_at
    traffic = traffic_series(rec)
    rows = 3 if traffic else 2
    fig, axes = plt.subplots(rows, 1, figsize=(9, 2.75 * rows), sharex=True)
    top, bottom = axes[0], axes[1]
    xs = [(e.at - t0) / 60 for e in rec.events]
    for color in COLORS:
        top.step(xs, [e.weights.of(color) for e in rec.events], where="post", color=color, label=f"{color} %")
    top.set_ylabel("weight (%)")
    top.set_ylim(-5, 105)
    top.legend(loc="center right")
    top.set_title(f"{rec.stack}: release {rec.release_id} ({rec.status})")
    series: dict[str, tuple[list[float], list[float]]] = {}
    for verdict in rec.verdicts:
        for metric in verdict.metrics:
            value = metric.get("canary_rate", metric.get("canary_median", metric.get("canary_value")))
            if isinstance(value, (int, float)):
                xs_, ys_ = series.setdefault(metric["name"], ([], []))
                xs_.append((verdict.at - t0) / 60)
                ys_.append(float(value))
    for name, (mx, my) in series.items():
        bottom.plot(mx, my, marker="o", label=f"canary {name}")
    for verdict in rec.verdicts:
        bottom.axvline((verdict.at - t0) / 60, color="#ccc", lw=0.6)
        bottom.annotate(verdict.verdict, ((verdict.at - t0) / 60, 0), xycoords=("data", "axes fraction"),
                        fontsize=7, rotation=90, va="bottom")
    if series and all(v > 0 for _, ys in series.values() for v in ys):
        bottom.set_yscale("log")
    bottom.set_ylabel("canary value")
    if series:
        bottom.legend(loc="upper right")
    if traffic:
        _plot_traffic(axes[2], traffic, t0)
    axes[-1].set_xlabel("minutes since start")
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=90)
    plt.close(fig)
    return out.getvalue()


def _plot_traffic(ax: Any, traffic: list[dict[str, Any]], t0: float) -> None:
    """The canary's requested share (its weight) and the share it got, per look."""
    xs = [(p["at"] - t0) / 60 for p in traffic]
    ax.step(xs, [p["requested"] for p in traffic], where="post", color="#555", label="requested (weight) %")
    got = [(x, p["delivered"], p["status"]) for x, p in zip(xs, traffic, strict=True) if p["delivered"] is not None]
    ax.plot([g[0] for g in got], [g[1] for g in got], marker="o", color="#1f77b4", label="delivered %")
    bad = [g for g in got if g[2] == "mismatch"]
    if bad:
        ax.scatter([g[0] for g in bad], [g[1] for g in bad], marker="x", s=60, color="#b00020", zorder=3,
                   label="traffic-mismatch")
    ax.set_ylabel("canary share (%)")
    ax.set_ylim(-5, 105)
    ax.legend(loc="upper right", fontsize=7)


def render_html(rec: LedgerRecord) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)
    return env.get_template("report.html.j2").render(
        doc=report_document(rec), plot=base64.b64encode(plot_png(rec)).decode())


def write_report(rec: LedgerRecord, folder: Path) -> tuple[Path, Path]:
    """``<folder>/release-<stack>-<id>.json`` and ``.html``."""
    folder.mkdir(parents=True, exist_ok=True)
    base = folder / f"release-{rec.stack}-{rec.release_id}"
    json_path, html_path = base.with_suffix(".json"), base.with_suffix(".html")
    json_path.write_text(json.dumps(report_document(rec), indent=2, sort_keys=True, default=str) + "\n")
    html_path.write_text(render_html(rec))
    return json_path, html_path
