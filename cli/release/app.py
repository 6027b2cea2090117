"""The ``tricolor release`` command group (its verbs register themselves on it).

The group is lazy: ``release status`` imports ``status`` alone, not the engine's
driving verbs (``commands``). Each verb is listed here with its module and short help
(a test checks this table against the verbs the modules register).
"""

from __future__ import annotations

import typer

from ..group import Entry, LazyGroup

__all__ = ["VERBS", "app"]

COMMANDS, STATUS = "tricolor.cli.release.commands", "tricolor.cli.release.status"
DURATIONS = "tricolor.cli.release.durations"

#: verb -> (module that registers it, "", short help)
VERBS: dict[str, Entry] = {
    "start": (COMMANDS, "", "Release IMAGE to the idle color of STACK and walk the steps with analysis."),
    "status": (STATUS, "", "Show the release of STACK: active color and images, step, time left, last verdict."),
    "history": (STATUS, "", "Every release of STACK the ledger keeps, oldest first."),
    "list": (STATUS, "", "Every stack of the ledger with its last release."),
    "plan": (DURATIONS, "", "The release's steps and how long each analysis step needs to detect its effects."),
    "promote": (COMMANDS, "", "Skip the current pause or analysis (--full: every remaining step) and go on."),
    "pause": (COMMANDS, "", "Pause the release (the weights in force stay)."),
    "resume": (COMMANDS, "", "Resume a paused or interrupted release from its step."),
    "abort": (COMMANDS, "", "Abort: the canary weight goes to 0 in one targeted update."),
    "rollback": (COMMANDS, "", "Within the rollback window: all traffic back on the old color at once."),
    "retry": (COMMANDS, "", "Start the last (aborted or rolled-back) release again from the beginning."),
}


class ReleaseGroup(LazyGroup):
    entries = VERBS
    registry = "tricolor.cli.release.app"


app = typer.Typer(name="release", cls=ReleaseGroup, help="Step-wise canary and blue-green releases with automatic "
                  "analysis: start, status, history, list, promote, pause, resume, abort, rollback, retry.",
                  no_args_is_help=True)


@app.callback()
def _release() -> None:
    """The group itself does nothing: a verb runs."""
