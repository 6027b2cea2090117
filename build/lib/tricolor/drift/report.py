"""Reports of a drift result: terminal (rich), Markdown, JSON, HTML and JUnit XML.

Every format shows allowed and ignored differences as such, never hides them. Values
are already normalised (secrets are ``[secret]``), so no report can leak one.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from .errors import ReportError
from .model import Difference, DriftResult

FORMATS = ("text", "markdown", "json", "html", "junit")
FILE_NAMES = {"text": "drift.txt", "markdown": "drift.md", "json": "drift.json", "html": "drift.html",
              "junit": "drift-junit.xml"}
SCHEMA_ID = "tricolor.dev/drift-report/v1"
SCHEMA_FILE = Path(__file__).resolve().parent / "templates" / "report.schema.json"
STYLE = {"drift": "bold red", "allowed": "green", "ignored": "yellow"}


def show(value: Any, width: int = 80) -> str:
    """A value in one line: missing as ``-``, text as is, others as compact JSON."""
    if value is None:
        return "-"
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, separators=(",", ":"))
    return text if len(text) <= width else text[: width - 1] + "…"


def short_role(role: str) -> str:
    """``kubernetes:apps/v1:Deployment::checkout-deployment`` -> ``Deployment checkout-deployment``."""
    type_, _, name = role.partition("::")
    return f"{type_.rsplit(':', 1)[-1]} {name}" if name else role


def summary_line(result: DriftResult) -> str:
    counts = result.counts
    verdict = "DRIFT" if result.has_drift else "parity"
    new = sum(1 for d in result.differences if d.new)
    extra = f", {new} new since the last run" if any(d.new is not None for d in result.differences) else ""
    return (f"{verdict}: {counts['drift']} drift, {counts['allowed']} allowed, {counts['ignored']} ignored "
            f"across {result.resources} resources in {', '.join(result.environments)}{extra}")


def to_json(result: DriftResult, generated_at: datetime | None = None) -> dict[str, Any]:
    """The JSON report (schema ``templates/report.schema.json``)."""
    counts = result.counts
    annotated = any(d.new is not None for d in result.differences)
    return {
        "schema": SCHEMA_ID,
        "generated_at": (generated_at or datetime.now(UTC)).isoformat(timespec="seconds"),
        "stacks": list(result.environments),
        "environments": [{"label": e, "source": result.sources.get(e, "")} for e in result.environments],
        "summary": {**counts, "resources": result.resources, "unchanged": result.fingerprinted_equal,
                    "unknown": result.unknown, "exit_code": result.exit_code,
                    "new": sum(1 for d in result.differences if d.new) if annotated else None},
        "differences": [d.as_json() for d in result.differences],
    }


def table(result: DriftResult, statuses: Sequence[str] = ("drift", "allowed", "ignored")) -> Any:
    """A rich table of the differences (one row per difference)."""
    from rich.table import Table

    grid = Table(title=summary_line(result), show_lines=False, expand=False)
    grid.add_column("status")
    grid.add_column("resource", overflow="fold")
    grid.add_column("field", overflow="fold")
    for label in result.environments:
        grid.add_column(label, overflow="fold")
    grid.add_column("note", overflow="fold")
    for d in result.differences:
        if d.status not in statuses:
            continue
        note = d.reason + (" [new]" if d.new else f" (since {d.first_seen})" if d.first_seen else "")
        grid.add_row(f"[{STYLE[d.status]}]{d.status}[/]", short_role(d.resource), d.path or "(resource)",
                     *[show(d.values.get(e), 40) for e in result.environments], note.strip())
    return grid


def to_text(result: DriftResult, width: int = 160) -> str:
    import io

    from rich.console import Console

    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
    console.print(table(result))
    return console.export_text()


def _md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("`", "'").replace("\n", " ")


def to_markdown(result: DriftResult) -> str:
    """Markdown for a pull-request comment or an issue: drift first, then the rest."""
    lines = [f"## tricolor drift: {'drift found' if result.has_drift else 'parity'}", "",
             _md(summary_line(result)), ""]
    for status, title in (("drift", "Drift"), ("ignored", "Ignored"), ("allowed", "Allowed")):
        rows = result.of_status(status)  # type: ignore[arg-type]
        if not rows:
            continue
        # Allowed differences are expected: folded, so a comment or issue leads with drift.
        head = ([f"<details><summary>Allowed ({len(rows)})</summary>", ""] if status == "allowed"
                else [f"### {title} ({len(rows)})", ""])
        lines += [*head,
                  "| resource | field | " + " | ".join(_md(e) for e in result.environments) + " | note |",
                  "|---|---|" + "---|" * len(result.environments) + "---|"]
        for d in rows:
            note = d.reason + (" **new**" if d.new else f" (since {d.first_seen})" if d.first_seen else "")
            cells = [f"`{_md(d.resource)}`", f"`{_md(d.path or '(resource)')}`",
                     *[_md(show(d.values.get(e), 60)) for e in result.environments], _md(note.strip())]
            lines.append("| " + " | ".join(cells) + " |")
        lines += ["", "</details>", ""] if status == "allowed" else [""]
    return "\n".join(lines)


def to_junit(result: DriftResult) -> str:
    """JUnit XML: one test case per resource, failing where it has drift."""
    grouped = result.by_resource()
    suite = ET.Element("testsuite", name="tricolor drift", tests=str(len(result.roles) or len(grouped)),
                       failures=str(sum(1 for diffs in grouped.values() if any(d.status == "drift" for d in diffs))),
                       errors="0", skipped="0")
    ET.SubElement(ET.SubElement(suite, "properties"), "property", name="environments",
                  value=",".join(result.environments))
    for role in result.roles or tuple(grouped):
        diffs = grouped.get(role, [])
        case = ET.SubElement(suite, "testcase", classname=result.types.get(role, diffs[0].type if diffs else ""),
                             name=role)
        drift = [d for d in diffs if d.status == "drift"]
        if drift:
            fields = ", ".join(d.path or "(resource)" for d in drift)
            failure = ET.SubElement(case, "failure", type="drift", message=f"{len(drift)} field(s) differ: {fields}")
            failure.text = "\n".join(_line(d, result.environments) for d in drift)
        rest = [d for d in diffs if d.status != "drift"]
        if rest:
            ET.SubElement(case, "system-out").text = "\n".join(_line(d, result.environments) for d in rest)
    return ET.tostring(suite, encoding="unicode", xml_declaration=True)


def _line(d: Difference, environments: Sequence[str]) -> str:
    values = ", ".join(f"{e}={show(d.values.get(e), 200)}" for e in environments)
    return f"[{d.status}] {d.path or '(resource)'}: {values}" + (f" ({d.reason})" if d.reason else "")


def render(result: DriftResult, fmt: str) -> str:
    if fmt == "text":
        return to_text(result)
    if fmt == "markdown":
        return to_markdown(result)
    if fmt == "json":
        return json.dumps(to_json(result), indent=2, sort_keys=True, default=str) + "\n"
    if fmt == "html":
        from .html import to_html

        return to_html(result)
    if fmt == "junit":
        return to_junit(result)
    raise ReportError(f"unknown report format {fmt!r}; formats: {', '.join(FORMATS)}")


def write_reports(result: DriftResult, formats: Sequence[str], out_dir: Path) -> list[Path]:
    """Render every format first, then write them all (no partial output on error)."""
    rendered = {fmt: render(result, fmt) for fmt in formats}
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        paths = []
        for fmt, text in rendered.items():
            path = out_dir / FILE_NAMES[fmt]
            path.write_text(text, encoding="utf-8")
            paths.append(path)
    except OSError as exc:
        raise ReportError(f"cannot write reports to {out_dir}: {exc.strerror or exc}") from None
    return paths
