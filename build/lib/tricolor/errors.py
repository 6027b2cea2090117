"""The root of tricolor's errors and the one exit-code table of the whole CLI.

This module imports nothing from tricolor (nor any third-party package), so every
package can raise and catch tricolor errors without importing pydantic or Pulumi.

Exit codes (the same for every command; the README has the same table)::

    0  success: done, parity, pass, no change
    1  bad input or an error: a file, field or value is wrong, something failed
    2  a finding: drift, a judge's fail, a mandatory policy violation, an aborted or
       rolled-back release, changes in ``plan --detailed-exitcode``
    3  inconclusive or still running: a judge could not decide, a release is still
       running or paused when ``status --watch`` timed out
    4  locked: another live process holds the release of that stack
    130 interrupted (Ctrl-C)

Tree::

    TricolorError                       base of every tricolor error (exit 1 unless it says otherwise)
    ├── UnknownNameError                a registry was asked for a name it does not know (lists the known)
    ├── SpecError (spec.errors)         the spec or a stack's configuration is invalid
    ├── ProjectError (project)          no tricolor project here, or a file would be overwritten
    ├── ComponentError (components.errors)   an environment cannot be built as configured
    ├── DriftError (drift.errors)       drift cannot be computed
    ├── RolloutError (rollout.errors)   a release cannot go on
    │   └── LockedError                 exit 4: another live release holds the stack
    ├── PolicyError (policies.errors)   the policies cannot run
    └── PreviewError (previews.errors)  a preview command cannot go on

``retryable`` marks transient failures (a lost compare-and-swap, a provider that did
not answer); everything else is fatal. A user sees the message, never a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum


class ExitCode(IntEnum):
    """The exit codes of every ``tricolor`` command."""

    OK = 0
    ERROR = 1
    FINDING = 2
    INCONCLUSIVE = 3
    LOCKED = 4
    INTERRUPTED = 130


#: ``ExitCode`` -> what it means, for help texts and the README.
EXIT_CODE_MEANINGS: dict[ExitCode, str] = {
    ExitCode.OK: "success: done, parity, pass, no change",
    ExitCode.ERROR: "bad input or an error (the message names the file, field or value)",
    ExitCode.FINDING: "a finding: drift, judge fail, mandatory policy violation, aborted or rolled-back "
                      "release, changes under plan --detailed-exitcode",
    ExitCode.INCONCLUSIVE: "inconclusive, or still running / paused when a wait timed out",
    ExitCode.LOCKED: "locked: another live process holds the release of that stack",
    ExitCode.INTERRUPTED: "interrupted",
}


class TricolorError(Exception):
    """Base of all tricolor errors.

    ``exit_code`` is what the CLI exits with; ``retryable`` tells transient failures
    (worth another try) from fatal ones.
    """

    retryable: bool = False
    exit_code: int = ExitCode.ERROR


class UnknownNameError(TricolorError):
    """A registry (appliers, providers, judges, stores, sources, backends, ...) was asked
    for a name it does not know. The message lists the known names; never a default."""

    def __init__(self, kind: str, name: str, known: Iterable[str]) -> None:
        self.kind, self.name, self.known = kind, name, tuple(sorted(known))
        super().__init__(f"unknown {kind} {name!r}; known: {', '.join(self.known) or '(none)'}")
