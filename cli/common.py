"""What every command shares: consoles, error reporting, exit codes."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

import typer

from ..errors import ExitCode, TricolorError
from ..lazy import later

if TYPE_CHECKING:
    import rich.console as rich_console
    import rich.markup as rich_markup
else:
    rich_console = later("rich.console")
    rich_markup = later("rich.markup")


class LazyConsole:
    """A rich ``Console`` made when first used: a command that prints only JSON (``preview
    name``, ``judge``) never imports rich, which is a good part of its start-up."""

    def __init__(self, **options: Any) -> None:
        self._options = options

    @functools.cached_property
    def real(self) -> rich_console.Console:
        return rich_console.Console(**self._options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    # rich's Live and Progress enter their console (``with console:``), which looks up
    # the special methods on the type, not through ``__getattr__``
    def __enter__(self) -> rich_console.Console:
        return self.real.__enter__()

    def __exit__(self, *exc_info: Any) -> None:
        self.real.__exit__(*exc_info)


# Data is never markup: no emoji codes (``:fire:``), no highlighting. Values printed
# inside markup strings go through ``escape``; whole values are printed as ``Text``.
console = cast("rich_console.Console", LazyConsole(highlight=False, emoji=False))
err_console = cast("rich_console.Console", LazyConsole(stderr=True, highlight=False, emoji=False))

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str, code: int = ExitCode.ERROR) -> typer.Exit:
    """Print ``message`` as an error and return the ``typer.Exit`` to raise."""
    err_console.print(f"[bold red]error:[/] {rich_markup.escape(message)}", soft_wrap=True)
    return typer.Exit(code)


def guarded(func: F) -> F:
    """Turn tricolor errors into a message and an exit code, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except TricolorError as exc:
            raise fail(str(exc), exc.exit_code) from None
        except KeyboardInterrupt:
            raise fail("interrupted", ExitCode.INTERRUPTED) from None

    return wrapper  # type: ignore[return-value]


def deprecated(value: object, old: str, new: str) -> None:
    """Warn (standard error) when an old spelling of an option was used; it still works."""
    if value:
        err_console.print(f"warning: {old} is deprecated; use {new}", markup=False, soft_wrap=True)


def print_json(data: Any) -> None:
    """JSON on standard output, stable key order, nothing else on that stream."""
    import json

    sys.stdout.write(json.dumps(data, indent=2, sort_keys=True, default=str) + "\n")
