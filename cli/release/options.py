"""The options the ``release`` verbs share (one definition each)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ..project import reports_default

__all__ = ["ApplierOpt", "DetachOpt", "LedgerOpt", "Output", "OutputOpt", "PollOpt", "ReasonOpt", "ReportOpt",
           "SmokeOpt", "SpecOpt", "StackOpt", "StacksDirOpt", "TimeoutOpt"]


class Output(StrEnum):
    text = "text"
    json = "json"


StackOpt = Annotated[str, typer.Option("--stack", "-s", metavar="STACK", help="The production stack, e.g. prod "
                                       "(one).")]
SpecOpt = Annotated[Path | None, typer.Option(
    "--spec", metavar="FILE", help="The spec file (default: the stack's tricolor:spec; later verbs reuse the "
    "one the release started with).")]
StacksDirOpt = Annotated[Path | None, typer.Option(
    "--stacks-dir", metavar="DIR", help="The folder of the Pulumi.<stack>.yaml files (default: the project's "
    "stackConfigDir; "
    "later verbs reuse the one the release started with).")]
LedgerOpt = Annotated[str | None, typer.Option(
    "--ledger", metavar="LOCATION", help="Ledger folder or s3://bucket/prefix (default: $TRICOLOR_LEDGER, else "
    "the stack's tricolor:ledger, else .tricolor/ledger in the project).")]
OutputOpt = Annotated[Output, typer.Option("--output", "-o", help="text or json.")]
ReasonOpt = Annotated[str | None, typer.Option("--reason", metavar="REASON", help="Why (kept in the ledger).")]
TimeoutOpt = Annotated[float, typer.Option(
    "--lock-timeout", metavar="SECONDS", help="Seconds without heartbeat before a lock held on another host may "
    "be taken over (a lock of a process that is gone on this host is taken at once).")]
PollOpt = Annotated[float, typer.Option("--poll", metavar="SECONDS", help="Seconds between ledger checks "
                                        "while waiting.")]
ApplierOpt = Annotated[str | None, typer.Option(
    "--applier", metavar="NAME", help="pulumi (Automation API) or offline (the program under Pulumi's mock "
    "runtime); later verbs reuse the one the release started with.")]
SmokeOpt = Annotated[str | None, typer.Option(
    "--smoke-url", metavar="URL", help="Base URL for smoke tests (default https://<first hostname>; later verbs "
    "reuse the one the release started with).")]
ReportOpt = Annotated[Path, typer.Option("--out", "--report-dir", metavar="DIR", callback=reports_default,
                                         help="Where the release report goes (default: .tricolor/reports in the "
                                              "project).")]
DetachOpt = Annotated[bool, typer.Option(
    "--detach-on-pause", help="Exit (keeping the release) when it waits for a person; `release promote` or "
    "`release resume` drives it on.")]
