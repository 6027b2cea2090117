"""Errors raised while configuring or running the policies.

Tree::

    TricolorError                 base of every tricolor error (spec/errors.py)
    └── PolicyError               the policies cannot run (fatal)
        ├── PolicyConfigError     the policy configuration is invalid: an unknown rule name,
        │                         a bad enforcement level, an option of the wrong type
        └── PolicyInputError      the resources to check cannot be read (a state file that is
                                  missing, not JSON, or of an unsupported version or feature)

A violation found by a rule is a result, not an error; ``tricolor policy check`` exits
2 when a mandatory rule is violated and 1 on any of these errors.
"""

from __future__ import annotations

from ..spec.errors import TricolorError


class PolicyError(TricolorError):
    """The policies cannot run."""


class PolicyConfigError(PolicyError):
    """The policy configuration names an unknown rule or holds an invalid value."""


class PolicyInputError(PolicyError):
    """The resources to check (a state or checkpoint file) cannot be read."""
