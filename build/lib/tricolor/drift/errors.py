"""Errors of the drift module.

Tree::

    TricolorError (tricolor.spec.errors)
    └── DriftError                  drift cannot be computed (exit code 1)
        ├── SourceError             a source cannot be read: missing stack, unreadable backend URL,
        │   │                       truncated JSON, unreachable API (names the stack, file or URL)
        │   ├── StateFormatError    a checkpoint or export is not a Pulumi state this reader knows
        │   │                       (unknown schema version, unknown v4 feature, wrong shape)
        │   └── UnknownSourceError  ``--source`` names no known source (lists them)
        ├── IgnoreFileError         the ``--ignore`` file is unreadable or has a malformed line
        ├── ReportError             an unknown report format, or the output folder is not writable
        ├── HistoryError            the SQLite history file cannot be opened or written
        └── DesiredStateError       desired-versus-live needs the Pulumi CLI, or the refresh failed

All are fatal. Drift itself is not an error: it is a result with exit code 2.
"""

from __future__ import annotations

from ..spec.errors import TricolorError


class DriftError(TricolorError):
    """Drift cannot be computed; the message names the stack, file or URL at fault."""


class SourceError(DriftError):
    """A source cannot be read."""


class StateFormatError(SourceError):
    """A Pulumi checkpoint or export has a shape, version or feature this reader refuses."""


class UnknownSourceError(SourceError):
    def __init__(self, name: str, known: tuple[str, ...]) -> None:
        self.name = name
        super().__init__(f"unknown drift source {name!r}; supported sources: {', '.join(known)}")


class IgnoreFileError(DriftError):
    """The ignore file cannot be read or has a malformed line."""


class ReportError(DriftError):
    """A report cannot be produced or written."""


class HistoryError(DriftError):
    """The history database cannot be used."""


class DesiredStateError(DriftError):
    """Desired-versus-live cannot run (no Pulumi CLI, or the refresh preview failed)."""
