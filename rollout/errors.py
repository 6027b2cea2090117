"""Errors of the release engine.

Tree::

    TricolorError (tricolor.errors; UnknownNameError lives there too)
    └── RolloutError              a release cannot go on (fatal unless marked retryable)
        ├── LedgerError           the ledger cannot be read or written, or its record is invalid
        │   └── ConflictError     retryable: a compare-and-swap write lost against another writer
        ├── LockedError           another live release holds the stack (exit code 4)
        ├── NoReleaseError        the command needs a release and there is none in that state
        ├── InvalidRequestError   bad input to a release command (image, stack, state)
        ├── ApplyError            the applier could not apply a change
        ├── MigrationError        a migration could not be run or observed (no cluster, no service)
        ├── ProviderError         retryable: the metrics provider failed (down, bad answer)
        └── JudgeInputError       a recorded window given to ``tricolor judge`` is invalid

User-facing errors name the field, file or value at fault.
"""

from __future__ import annotations

from ..errors import TricolorError
from ..errors import UnknownNameError as UnknownNameError


class RolloutError(TricolorError):
    """Base of the release engine's errors."""


class LedgerError(RolloutError):
    pass


class ConflictError(LedgerError):
    retryable = True


class LockedError(RolloutError):
    exit_code = 4


class NoReleaseError(RolloutError):
    pass


class InvalidRequestError(RolloutError):
    pass


class ApplyError(RolloutError):
    pass


class MigrationError(RolloutError):
    pass


class ProviderError(RolloutError):
    retryable = True


class JudgeInputError(RolloutError):
    pass
