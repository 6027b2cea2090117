"""Every report format produced and read back: JSON against its schema, JUnit XML and
HTML parsed, golden files for text (80 and 200 columns) and Markdown.

Regenerate the golden files with ``TRICOLOR_UPDATE_GOLDEN=1`` (and read the diff)."""

from __future__ import annotations

import json
import os
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from tricolor.drift import ReportError
from tricolor.drift.report import FILE_NAMES, FORMATS, SCHEMA_FILE, render, to_json, write_reports
from tricolor.drift.text_report import lines, to_text

from .conftest import LONG_KEY  # type: ignore[import-not-found]

GOLDEN = Path(__file__).parent / "golden"
BLUE_CONFIG = ("kubernetes:core/v1:ConfigMap::checkout-config", "data.FEATURE_NEW_CART")


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("TRICOLOR_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
    assert text == path.read_text(), f"{name} changed (TRICOLOR_UPDATE_GOLDEN=1 rewrites it)"


def test_json_matches_its_schema(report_result: Any) -> None:
    import jsonschema

    schema = json.loads(SCHEMA_FILE.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    document = json.loads(render(report_result, "json"))
    jsonschema.validate(document, schema, format_checker=jsonschema.FormatChecker())
    assert document["stacks"] == ["staging", "prod/blue", "prod/green"]
    assert document["summary"]["exit_code"] == 2 and document["summary"]["new"] is None
    assert {d["status"] for d in document["differences"]} == {"drift", "allowed", "ignored"}
    drift = {(d["resource"], d["path"]): d for d in document["differences"] if d["status"] == "drift"}
    assert drift[BLUE_CONFIG]["values"] == {"staging": "false", "prod/blue": "true", "prod/green": "false"}
    assert drift[BLUE_CONFIG]["odd"] == ["prod/blue"]
    missing = next(d for d in document["differences"] if d["kind"] == "missing")
    assert missing["values"]["staging"] is None


def test_schema_rejects_a_wrong_document(report_result: Any) -> None:
    import jsonschema

    document = to_json(report_result)
    document["differences"][0]["status"] = "maybe"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, json.loads(SCHEMA_FILE.read_text()))


def test_junit_parses_with_one_failure_per_drifting_resource(report_result: Any) -> None:
    suite = ET.fromstring(render(report_result, "junit").split("?>", 1)[1])
    assert suite.tag == "testsuite" and suite.get("failures") == "2"
    cases = suite.findall("testcase")
    assert len(cases) == int(suite.get("tests", "0")) == report_result.resources
    failing = {c.get("name"): c for c in cases if c.find("failure") is not None}
    assert set(failing) == {BLUE_CONFIG[0], "kubernetes:apps/v1:Deployment::checkout-deployment"}
    assert "data.FEATURE_NEW_CART: staging=false, prod/blue=true (odd one)" in failing[BLUE_CONFIG[0]].find(
        "failure").text
    outputs = [c.find("system-out").text for c in cases if c.find("system-out") is not None]
    assert any("[ignored] spec.minAvailable" in (text or "") for text in outputs)


@pytest.mark.parametrize("width", [80, 200])
def test_text_golden(report_result: Any, width: int) -> None:
    _golden(f"report-{width}.txt", to_text(report_result, width))


@pytest.mark.parametrize("width", [40, 60, 80, 120, 200])
def test_text_paths_never_break_mid_word(report_result: Any, width: int) -> None:
    """Every field path is on one line or split after a dot; no line is wider than the
    width unless it holds one path segment or value word that is."""
    out = lines(report_result, width, show_allowed=True)
    paths, current = [], ""
    for text, style in out:
        if style == "path":
            if text.startswith("    ") and not text.startswith("      "):
                if current:
                    paths.append(current)
                current = text.strip()
            else:
                assert current.endswith("."), (current, text)
                current += text.strip()
        elif current:
            paths.append(current)
            current = ""
        if len(text) > width:
            assert style in ("path", "value", "odd") and " " not in text.strip(), text
    assert sorted(set(paths)) == sorted({d.path or "(resource)" for d in report_result.differences})
    assert any(LONG_KEY in p for p in paths)


def test_text_puts_drift_first_and_counts_allowed(report_result: Any) -> None:
    text = to_text(report_result, 100)
    assert text.index("Drift (2)") < text.index("Ignored (1)") < text.index("Allowed (")
    assert "--show-allowed lists them" in text and "spec.replicas" not in text
    assert "release-managed" in text  # what the collapsed differences are, by kind
    shown = to_text(report_result, 100, show_allowed=True)
    assert "spec.replicas" in shown and "header x-tricolor-color=green -> green" in shown
    odd = [line for line in text.splitlines() if "<- odd one" in line]
    assert any(line.split()[0] == "prod/blue" and "true" in line for line in odd)
    assert not any(line.split()[0] in ("staging", "prod/green") and "false" in line for line in odd)


def test_markdown_golden(report_result: Any) -> None:
    markdown = render(report_result, "markdown")
    _golden("report.md", markdown)
    assert markdown.startswith("## tricolor drift: drift found")
    assert "### Drift (2)" in markdown and "### Ignored (1)" in markdown
    assert "<details><summary>Allowed (" in markdown


class _Page(HTMLParser):
    """Rows and cells of the HTML report, and anything that would run or load."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, Any]] = []
        self.inputs: list[dict[str, str]] = []
        self.active = 0
        self._cell: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        self.active += tag in ("script", "link", "iframe", "object", "embed") or (tag == "img")
        self.active += any(k.startswith("on") for k in found)
        if tag == "tr" and "data-status" in found:
            self.rows.append({**found, "cells": []})
        elif tag == "td" and "data-environment" in found and self.rows:
            self._cell = {**found, "text": ""}
            self.rows[-1]["cells"].append(self._cell)
        elif tag == "input":
            self.inputs.append(found)

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell["text"] += data


def test_html_marks_the_odd_environment_and_filters_without_script(report_result: Any) -> None:
    html = render(report_result, "html")
    page = _Page()
    page.feed(html)
    assert page.active == 0  # no script, no external asset, no event handler
    assert len(page.rows) == len(report_result.differences)
    assert [r["data-status"] for r in page.rows][:3] == ["drift", "drift", "ignored"]
    row = next(r for r in page.rows if r["data-resource"] == BLUE_CONFIG[0] and r["data-status"] == "drift")
    marks = {c["data-environment"]: ("odd" in c["class"].split(), c.get("data-odd")) for c in row["cells"]}
    assert marks == {"staging": (False, None), "prod/blue": (True, "true"), "prod/green": (False, None)}
    assert "odd one" in next(c["text"] for c in row["cells"] if c["data-environment"] == "prod/blue")
    boxes = {i["id"]: "checked" in i for i in page.inputs}
    assert boxes == {"show-drift": True, "show-ignored": True, "show-allowed": False}
    assert "#show-allowed:not(:checked) ~ table tr.allowed" in html
    shown = render(report_result, "html", show_allowed=True)
    assert '<input type="checkbox" id="show-allowed" checked>' in shown


def test_html_screenshot_in_headless_chromium(report_result: Any, tmp_path: Path) -> None:
    """The page renders in a real browser (Chromium, headless; CI installs it)."""
    import subprocess

    from support import require_binary

    chromium = require_binary("chromium")
    page = tmp_path / "drift.html"
    page.write_text(render(report_result, "html"))
    shot = tmp_path / "drift.png"
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run",
                    f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,900",
                    f"--screenshot={shot}", page.as_uri()],
                   capture_output=True, timeout=120, check=False)
    data = shot.read_bytes() if shot.exists() else b""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "no screenshot was taken"
    assert len(data) > 20_000  # a page with a table, not a blank one


def test_every_format_written_and_unknown_format_refused(report_result: Any, tmp_path: Path) -> None:
    paths = write_reports(report_result, FORMATS, tmp_path / "out")
    assert sorted(p.name for p in paths) == sorted(FILE_NAMES.values())
    with pytest.raises(ReportError, match="unknown report format 'pdf'"):
        write_reports(report_result, ["json", "pdf"], tmp_path / "never")
    assert not (tmp_path / "never").exists()  # no partial output
