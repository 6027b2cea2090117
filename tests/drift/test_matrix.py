"""The parity matrix for `tricolor plan`."""

from __future__ import annotations

import json
from typing import Any

import pytest
from rich.console import Console

from tricolor.drift.matrix import parity_matrix


def _text(renderable: Any) -> str:
    console = Console(width=400, record=True)
    console.print(renderable)
    return console.export_text()


def test_parity_matrix_of_the_shipped_stacks(rendered: dict[str, Any]) -> None:
    table, rows = parity_matrix([rendered["staging"], rendered["prod"]])
    json.dumps(rows)  # JSON-able
    assert len(rows) == 13 and {r["backend"] for r in rows} == {"kubernetes"}  # with each environment's Secret
    assert {row["status"] for row in rows} == {"allowed", "parity"}
    deployment = next(r for r in rows if r["resource"] == "kubernetes:apps/v1:Deployment::checkout-deployment")
    assert [c["environment"] for c in deployment["cells"]] == ["staging", "prod/blue", "prod/green"]
    assert "spec.replicas" in {f["path"] for f in deployment["cells"][0]["fields"]}
    text = _text(table)
    assert "parity matrix (kubernetes)" in text and "prod/green" in text and "0 drift" in text


def test_parity_matrix_finds_drift_without_allowances(rendered: dict[str, Any]) -> None:
    _, rows = parity_matrix([rendered["staging"], rendered["prod"]], allowed=[])
    assert {r["resource"].split("::")[1] for r in rows if r["status"] == "drift"} == {
        "checkout-deployment", "checkout-config", "checkout-autoscaler", "checkout-disruption-budget"}


def test_backends_are_compared_separately(rendered: dict[str, Any]) -> None:
    from tricolor.stacks.render import render_stack

    table, rows = parity_matrix([rendered["staging"], rendered["prod"], render_stack("aws-prod")])
    assert {r["backend"] for r in rows} == {"kubernetes", "aws"}
    assert not [r for r in rows if r["status"] == "drift"]
    assert "parity matrix (aws)" in _text(table)


def test_changed_only_counts_rows_that_differ_only_by_construction(rendered: dict[str, Any]) -> None:
    """Rows the same everywhere, and rows whose only differences are release-managed
    (color labels, image, weights) or per-environment (hostnames), are counted, not
    listed; rows with parity.allowed differences (replicas, LOG_LEVEL) are listed."""
    table, rows = parity_matrix([rendered["staging"], rendered["prod"]], changed_only=True)
    text = _text(table)
    assert len(rows) == 13 and "(counted, not listed)" in text
    assert "checkout-deployment" in text and "checkout-config" in text
    assert "checkout-shared-namespace" not in text
    expected = [r for r in rows if r["status"] == "allowed" and all(
        f["reason"].startswith(("release-managed", "per-environment")) for c in r["cells"] for f in c["fields"])]
    assert expected, "the router and the services differ only by construction"
    for row in expected:
        assert row["resource"].split("::")[1] not in text
    same = sum(1 for r in rows if r["status"] == "parity")
    assert f"{same} the same everywhere and {len(expected)} differing only" in " ".join(text.split())


def test_odd_environment_marked_in_cells(rendered: dict[str, Any]) -> None:
    _, rows = parity_matrix([rendered["staging"], rendered["prod"]], allowed=[])
    config = next(r for r in rows if r["resource"].endswith("::checkout-config"))
    by_env = {c["environment"]: c for c in config["cells"]}
    # staging's LOG_LEVEL differs from the value blue and green share: staging is the odd one
    assert by_env["staging"]["status"] == "drift"
    assert by_env["prod/blue"]["status"] != "drift" and by_env["prod/green"]["status"] != "drift"
    field = next(f for f in by_env["staging"]["fields"] if f["path"] == "data.LOG_LEVEL")
    assert field["odd"] is True and field["value"] == "debug"


def test_one_environment_gives_an_empty_matrix(rendered: dict[str, Any]) -> None:
    renderable, rows = parity_matrix([rendered["staging"]])
    assert rows == [] and "nothing to compare" in _text(renderable)


@pytest.mark.parametrize("width", [80, 200])
def test_field_paths_never_break_mid_word(rendered: dict[str, Any], width: int) -> None:
    table, rows = parity_matrix([rendered["staging"], rendered["prod"]], allowed=[], changed_only=True,
                                width=width)
    console = Console(width=width, record=True)
    console.print(table)
    text = console.export_text()
    words = {part for row in rows for cell in row["cells"] for f in cell["fields"]
             if f["odd"] and not f["reason"].startswith(("release-managed", "per-environment"))
             for part in f["path"].split(".")}
    assert words >= {"replicas", "minReplicas", "maxReplicas", "minAvailable", "LOG_LEVEL"}
    for word in words:
        assert word in text, f"{word} broken at {width} columns"
