"""``tricolor release``: start, watch and steer releases of production stacks.

``commands`` (start, retry and the steering verbs), ``status`` (status, history, list),
``locate`` (a verb's options, its ledger and stack), ``wiring`` (recorded settings,
the engine and its services), ``view`` (what is shown), ``dryrun``,
``checks`` (the image rules), ``report`` (how a driving verb ends), ``durations``
(``release plan``: how long each analysis step needs).
"""

from __future__ import annotations

from .app import app

__all__ = ["app"]  # the verbs' modules (commands, status, durations) are imported when a verb runs
