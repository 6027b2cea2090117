"""The parity matrix for `tricolor plan`."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console

from tricolor.drift.matrix import parity_matrix


def _text(renderable: Any) -> str:
    console = Console(width=400, record=True)
    console.print(renderable)
    return console.export_text()


def test_parity_matrix_of_the_shipped_stacks(rendered: dict[str, Any]) -> None:
    table, rows = parity_matrix([rendered["staging"], rendered["prod"]])
    json.dumps(rows)  # JSON-able
    assert len(rows) == 12 and {r["backend"] for r in rows} == {"kubernetes"}
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
    from tricolor.stacks import render_stack

    table, rows = parity_matrix([rendered["staging"], rendered["prod"], render_stack("aws-prod")])
    assert {r["backend"] for r in rows} == {"kubernetes", "aws"}
    assert not [r for r in rows if r["status"] == "drift"]
    assert "parity matrix (aws)" in _text(table)


def test_changed_only_leaves_equal_rows_out_of_the_table(rendered: dict[str, Any]) -> None:
    table, rows = parity_matrix([rendered["staging"], rendered["prod"]], changed_only=True)
    text = _text(table)
    assert len(rows) == 12 and "(not shown)" in text
    assert "checkout-deployment" in text and "checkout-shared-namespace" not in text


def test_one_environment_gives_an_empty_matrix(rendered: dict[str, Any]) -> None:
    renderable, rows = parity_matrix([rendered["staging"]])
    assert rows == [] and "nothing to compare" in _text(renderable)
