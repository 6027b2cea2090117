"""A spinner on standard error for work that can take over a second (rendering stacks
under the mock runtime, a dry run), naming what is being done, e.g. the current stack.

Only on a terminal: piped or captured output (CI logs, ``--output json > file``, the
tests) gets nothing, and standard output never carries it. The spinner's text is
plain text, never markup.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from rich.text import Text

from .common import err_console

__all__ = ["each", "working"]

T = TypeVar("T")


@contextmanager
def working(what: str) -> Iterator[Callable[[str], None]]:
    """Show a spinner saying ``what`` while the block runs; yields a function that
    changes the text."""
    if not err_console.is_terminal:
        yield lambda _text: None
        return
    with err_console.status(Text(what), spinner="dots") as status:
        yield lambda text: status.update(Text(text))


def each(items: Iterable[T], verb: str, name: Callable[[T], str]) -> Iterator[T]:
    """The items, with a spinner saying ``<verb> <name> (i/n)`` for the current one."""
    listed = list(items)
    with working(verb) as say:
        for number, item in enumerate(listed, 1):
            say(f"{verb} {name(item)} ({number}/{len(listed)})")
            yield item
