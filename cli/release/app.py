"""The ``tricolor release`` command group (its verbs register themselves on it)."""

from __future__ import annotations

import typer

__all__ = ["app"]

app = typer.Typer(name="release", help="Step-wise canary and blue-green releases with automatic analysis: "
                  "start, status, history, list, promote, pause, resume, abort, rollback, retry.",
                  no_args_is_help=True)
