"""Every report format produced and read back: JSON against its schema, JUnit XML and
HTML parsed, Markdown and text checked."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from tricolor.drift import IgnoreRules, ReportError, compare, snapshots_from_rendered
from tricolor.drift.report import FILE_NAMES, FORMATS, SCHEMA_FILE, render, to_json, write_reports

ALLOWED = ["replicas", "autoscaling.*", "resources.*", "disruptionBudget.*"]


@pytest.fixture(scope="module")
def result(rendered: dict[str, Any]) -> Any:
    """staging vs prod with LOG_LEVEL not allowed (drift), the PDB ignored, the rest allowed."""
    snapshots = snapshots_from_rendered(rendered["staging"]) + snapshots_from_rendered(rendered["prod"])
    ignore = IgnoreRules.parse("kubernetes:policy/v1:PodDisruptionBudget::* spec  # budget differs on purpose")
    return compare(snapshots, ALLOWED[:3], ignore)


def test_json_matches_its_schema(result: Any) -> None:
    import jsonschema

    schema = json.loads(SCHEMA_FILE.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    document = json.loads(render(result, "json"))
    jsonschema.validate(document, schema, format_checker=jsonschema.FormatChecker())
    assert document["stacks"] == ["staging", "prod/blue", "prod/green"]
    assert document["summary"]["exit_code"] == 2
    statuses = {d["status"] for d in document["differences"]}
    assert statuses == {"drift", "allowed", "ignored"}
    drift = [d for d in document["differences"] if d["status"] == "drift"]
    assert [d["path"] for d in drift] == ["data.LOG_LEVEL"]
    assert drift[0]["values"] == {"staging": "debug", "prod/blue": "info", "prod/green": "info"}
    missing = next(d for d in document["differences"] if d["kind"] == "missing")
    assert missing["values"]["staging"] is None


def test_schema_rejects_a_wrong_document(result: Any) -> None:
    import jsonschema

    document = to_json(result)
    document["differences"][0]["status"] = "maybe"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, json.loads(SCHEMA_FILE.read_text()))


def test_junit_parses_with_one_failure_per_drifting_resource(result: Any) -> None:
    suite = ET.fromstring(render(result, "junit").split("?>", 1)[1])
    assert suite.tag == "testsuite" and suite.get("failures") == "1"
    cases = suite.findall("testcase")
    assert len(cases) == int(suite.get("tests", "0")) == result.resources
    failing = [c for c in cases if c.find("failure") is not None]
    assert [c.get("name") for c in failing] == ["kubernetes:core/v1:ConfigMap::checkout-config"]
    assert "data.LOG_LEVEL" in (failing[0].find("failure").text or "")
    outputs = [c.find("system-out").text for c in cases if c.find("system-out") is not None]
    assert any("[ignored] spec.minAvailable" in (text or "") for text in outputs)


class _Cells(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.cells: list[dict[str, str]] = []
        self.scripts = 0
        self.links = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "td":
            self.cells.append(found)
        self.scripts += tag == "script"
        self.links += tag == "link" or (tag == "img" and "src" in found)


def test_html_is_a_self_contained_matrix(result: Any) -> None:
    html = render(result, "html")
    parser = _Cells()
    parser.feed(html)
    assert parser.scripts == 0 and parser.links == 0
    assert len(parser.cells) == result.resources * 3
    by_status = {c["class"] for c in parser.cells}
    assert by_status == {"drift", "allowed", "ignored", "parity"}
    assert {c["data-environment"] for c in parser.cells} == {"staging", "prod/blue", "prod/green"}
    assert "data.LOG_LEVEL" in html and "budget differs on purpose" in html


def test_markdown_and_text(result: Any) -> None:
    markdown = render(result, "markdown")
    assert markdown.startswith("## tricolor drift: drift found")
    assert "### Drift (1)" in markdown and "### Ignored (1)" in markdown and "<summary>Allowed (" in markdown
    assert "| `kubernetes:core/v1:ConfigMap::checkout-config` | `data.LOG_LEVEL` | debug | info | info |" in markdown
    text = render(result, "text")
    assert "DRIFT: 1 drift" in text and "allowed" in text


def test_every_format_written_and_unknown_format_refused(result: Any, tmp_path: Path) -> None:
    paths = write_reports(result, FORMATS, tmp_path / "out")
    assert sorted(p.name for p in paths) == sorted(FILE_NAMES.values())
    with pytest.raises(ReportError, match="unknown report format 'pdf'"):
        write_reports(result, ["json", "pdf"], tmp_path / "never")
    assert not (tmp_path / "never").exists()  # no partial output
