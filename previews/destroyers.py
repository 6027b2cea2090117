"""The registry of destroyers: a name -> the ``Destroyer`` it builds from a
``DestroyerContext``. An unknown name is ``UnknownNameError`` listing the known ones.

Test doubles (a destroyer that records what it was asked) live in the tests, not here:
every destroyer this registry builds destroys for real.
"""

from __future__ import annotations

from collections.abc import Callable

from ..errors import UnknownNameError
from .automation_destroyer import AutomationDestroyer
from .destroy import Destroyer, DestroyerContext

__all__ = ["DESTROYERS", "get_destroyer"]

DESTROYERS: dict[str, Callable[[DestroyerContext], Destroyer]] = {"automation": AutomationDestroyer}


def get_destroyer(name: str, context: DestroyerContext) -> Destroyer:
    """The destroyer called ``name``, built for ``context``."""
    try:
        factory = DESTROYERS[name]
    except KeyError:
        raise UnknownNameError("destroyer", name, DESTROYERS) from None
    return factory(context)
