"""Data is never markup: rich markup, emoji codes, HTML and @-mentions in values and names
appear literally (or escaped, where the format needs it) in every drift format and in
``plan``; a value that would crash rich markup never stops ``--out`` reports."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest

MARKUP = ["[/]", "[bold]loud[/bold]", "[info]", ":fire:", "<img src=x onerror=alert(1)>", "@team"]
VALUE = " ".join(MARKUP)
NAME = "notes-[/]-[bold]x[/bold]-:fire:-@team"


def _inject(stack: str, resources: list[dict[str, Any]]) -> None:
    for resource in resources:
        if resource["type"] == "kubernetes:core/v1:ConfigMap":
            resource["outputs"]["data"]["MOTD"] = VALUE if stack == "prod" else "plain"
            resource["inputs"] = {**resource["inputs"], "data": {**resource["inputs"]["data"], "MOTD": VALUE}}
    if stack == "prod":
        resources.append({"urn": f"urn:pulumi:prod::tricolor::kubernetes:core/v1:ConfigMap::{NAME}",
                          "custom": True, "type": "kubernetes:core/v1:ConfigMap",
                          "outputs": {"metadata": {"name": "notes"}, "data": {"NOTE": VALUE}}})


@pytest.fixture
def marked(backend: Any) -> Path:
    return backend(_inject)


def _outside_code(markdown: str) -> str:
    """Markdown with code spans and fenced blocks taken out (what GitHub interprets)."""
    without_blocks = re.sub(r"^(`{3,})[^\n]*\n.*?^\1\s*$", "", markdown, flags=re.S | re.M)
    return re.sub(r"(`+)(?:(?!\1).)+?\1", "", without_blocks)


def test_every_drift_format_shows_markup_literally(cli: Any, marked: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    args = ["drift", "--stacks", "staging,prod", "--backend-url", str(marked), "--no-history"]
    written = cli(*args, "--out", str(out), *[a for f in ("text", "markdown", "json", "html", "junit")
                                                for a in ("--format", f)])
    assert written.exit_code == 2, written.stderr
    assert len(list(out.iterdir())) == 5  # nothing in the data stopped a report from being written
    text = cli(*args, "--width", "400").stdout
    flat = (out / "drift.txt").read_text()
    for part in MARKUP:
        assert part in text, f"text on the terminal lost {part!r}"
        assert part in flat, f"drift.txt lost {part!r}"
    document = json.loads((out / "drift.json").read_text())
    values = json.dumps(document)
    assert all(part in values for part in MARKUP)
    suite = ET.fromstring((out / "drift-junit.xml").read_text().split("?>", 1)[1])
    junit = "".join(suite.itertext()) + "".join(c.get("name", "") for c in suite.iter("testcase"))
    assert all(part in junit for part in MARKUP)
    html = (out / "drift.html").read_text()
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert all(part in html for part in MARKUP if "<" not in part)
    markdown = (out / "drift.md").read_text()
    loose = _outside_code(markdown)
    assert "<img" not in loose and "@team" not in loose and ":fire:" not in loose and "[/]" not in loose
    assert "&lt;img" in markdown or "`" in markdown
    for part in MARKUP:
        assert part in markdown or part.replace("@", "@&#8203;").replace(":", ":&#8203;", 1) in markdown \
            or part.replace("<", "&lt;").replace(">", "&gt;") in markdown, part


def test_error_messages_show_markup_literally(cli: Any, marked: Path) -> None:
    result = cli("drift", "--stacks", "staging,[bold]qa[/bold]:b:", "--backend-url", str(marked))
    assert result.exit_code == 1
    assert "[bold]qa[/bold]:b:" in result.stderr and "Traceback" not in result.stderr


def test_plan_shows_markup_literally(cli: Any, marked: Path, tmp_path: Path) -> None:
    state = json.loads((marked / ".pulumi/stacks/tricolor/prod.json").read_text())
    export = tmp_path / "prod.json"
    export.write_text(json.dumps({"version": 3, "deployment": state["checkpoint"]["latest"]}))
    text = cli("plan", "--stack", "prod", "--against", str(export))
    assert text.exit_code == 0, text.stderr
    flat = " ".join(text.stdout.split())
    assert json.dumps(VALUE) in flat and NAME in flat
    markdown = cli("plan", "--stack", "prod", "--against", str(export), "--output", "markdown").stdout
    loose = _outside_code(markdown)
    assert "<img" not in loose and "@team" not in loose and json.dumps(VALUE) in markdown
    document = json.loads(cli("plan", "--stack", "prod", "--against", str(export), "--output", "json").stdout)
    assert VALUE in json.dumps(document["changes"], ensure_ascii=False)


def test_control_characters_keep_junit_valid(backend: Any, tmp_path: Path, cli: Any) -> None:
    def inject(stack: str, resources: list[dict[str, Any]]) -> None:
        for resource in resources:
            if resource["type"] == "kubernetes:core/v1:ConfigMap":
                resource["outputs"]["data"]["RAW"] = f"a\x00b\x1bc\x07d\ufffe-{stack}"

    root = backend(inject)
    result = cli("drift", "--stacks", "staging,prod", "--backend-url", str(root), "--no-history",
                 "--format", "junit")
    assert result.exit_code == 2
    suite = ET.fromstring(result.stdout.split("?>", 1)[1])  # well-formed XML 1.0
    text = "".join(suite.itertext())
    assert "data.RAW: staging=a\\x00b\\x1bc\\x07d\\xfffe-staging" in text
    assert "prod/blue=a\\x00b\\x1bc\\x07d\\xfffe-prod" in text
