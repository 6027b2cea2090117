"""How a driving verb ends: warnings, the report files, the record (text or JSON) and
the exit code (2 when the release ended aborted or rolled back, or completed with a
failed contract migration)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from ...errors import ExitCode
from ...rollout.engine import Engine
from ...rollout.record import LedgerRecord, Status
from ...rollout.report import write_report
from ..common import console, err_console, print_json
from .options import Output
from .view import document, status_table

__all__ = ["finish"]


def finish(engine: Engine, rec: LedgerRecord, output: Output, report_dir: Path | None) -> None:
    for note in engine.notes:
        err_console.print(f"[yellow]warning:[/] {escape(note)}", soft_wrap=True)
    paths = write_report(rec, report_dir) if report_dir is not None else None
    if output == Output.json:
        doc = document(rec)
        if paths:
            doc["report"] = {"json": str(paths[0]), "html": str(paths[1])}
        print_json(doc)
    else:
        console.print(status_table(rec))
        if rec.status == Status.SUCCEEDED:
            console.print(f"{rec.stable} is active; {rec.canary} stays warm until the rollback window ends: "
                          "the next release command then scales it down (or `release start --wait`).")
        if paths:
            console.print(f"report: {escape(str(paths[0]))} and {escape(str(paths[1]))}", soft_wrap=True)
    if rec.contract_failed:
        err_console.print(f"[bold red]error:[/] {escape(rec.reason or 'the contract migration failed')}",
                          soft_wrap=True)
    if rec.status in (Status.ABORTED, Status.ROLLED_BACK) or rec.contract_failed:
        raise typer.Exit(ExitCode.FINDING)
