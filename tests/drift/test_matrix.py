"""The parity matrix for `tricolor plan`."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console

from tricolor.drift.matrix import parity_matrix


def test_parity_matrix_of_the_shipped_stacks(rendered: dict[str, Any]) -> None:
    table, rows = parity_matrix([rendered["staging"], rendered["prod"]])
    json.dumps(rows)  # JSON-able
    assert len(rows) == 12
    assert {row["status"] for row in rows} == {"allowed", "parity"}
    deployment = next(r for r in rows if r["resource"] == "kubernetes:apps/v1:Deployment::checkout-deployment")
    assert [c["environment"] for c in deployment["cells"]] == ["staging", "prod/blue", "prod/green"]
    assert "spec.replicas" in {f["path"] for f in deployment["cells"][0]["fields"]}
    console = Console(width=200, record=True)
    console.print(table)
    text = console.export_text()
    assert "parity matrix" in text and "prod/green" in text and "0 drift" in text


def test_parity_matrix_finds_drift_without_allowances(rendered: dict[str, Any]) -> None:
    _, rows = parity_matrix([rendered["staging"], rendered["prod"]], allowed=[])
    assert {r["resource"].split("::")[1] for r in rows if r["status"] == "drift"} == {
        "checkout-deployment", "checkout-config", "checkout-autoscaler", "checkout-disruption-budget"}


def test_one_environment_gives_an_empty_matrix(rendered: dict[str, Any]) -> None:
    _, rows = parity_matrix([rendered["staging"]])
    assert rows == []
