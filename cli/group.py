"""The command groups of ``tricolor``: one CLI convention, applied in one place.

``TricolorGroup`` is the class of every command group (the top-level one and each
``typer.Typer`` of a command family):

- a usage error (a missing option, a bad choice, an unknown command) is one line on
  standard error and exits 1, the table's "bad input" (``tricolor.errors.ExitCode``):
  2 means a finding, never a typo. The same holds through typer's test runner, which
  calls ``main`` too;
- ``conform`` walks a command's options once, when the command is built: ``--stack``
  takes a stack per use and also ``a,b`` (a command of one stack refuses two, never
  keeps the last silently); a flag shows no metavar and every other option a plain
  one (``TEXT``, ``PATH``, ``INTEGER``, ``a|b|c``), never a Python type; an argument
  shows its name alone (``DIR``, ``[DIR]`` when optional).

``LazyGroup`` (the top-level group) knows each command by name, module and short
help, and imports a command's module only when that command runs (or shows its own
help), with ``importlib.import_module``: ``tricolor --help`` and ``--version`` import
no command at all.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Sequence
from enum import Enum
from pathlib import Path
from typing import Any

import typer
from typer import _click as click  # typer >= 0.29 carries its own click
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

__all__ = ["LazyGroup", "TricolorGroup", "conform", "split_stacks"]

ERROR = 1  # tricolor.errors.ExitCode.ERROR (kept literal: this module imports no tricolor)


def split_stacks(values: Sequence[str] | None) -> list[str]:
    """``--stack a,b --stack c`` -> ``[a, b, c]``: split on commas, blanks dropped,
    each stack once, in the order given."""
    out: list[str] = []
    for value in values or ():
        for name in str(value).split(","):
            name = name.strip()
            if name and name not in out:
                out.append(name)
    return out


def _many_stacks(callback: Callable[..., Any] | None) -> Callable[..., Any]:
    def convert(ctx: Any, param: Any, value: Any) -> Any:
        stacks = split_stacks(value) if value else value
        return callback(ctx, param, stacks) if callback else stacks

    return convert


class _OneStack(TyperOption):
    """The ``--stack`` of a command of one stack: every use is read, so ``a,b`` or a
    second ``--stack`` is an error instead of "the last one wins"."""

    def add_to_parser(self, parser: Any, ctx: Any) -> None:
        self.multiple = True  # collect every use ...
        try:
            super().add_to_parser(parser, ctx)
        finally:
            self.multiple = False  # ... and hand the command one value

    def process_value(self, ctx: Any, value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            stacks = split_stacks(value)
            if len(stacks) > 1:
                raise typer.BadParameter(f"this command takes one stack; got {len(stacks)}: "
                                         f"{', '.join(stacks)[:200]}", ctx=ctx, param=self)
            value = stacks[0] if stacks else None
        return super().process_value(ctx, value)


class _PlainArgument(TyperArgument):
    """An argument shown by its name alone: ``DIR`` (``[DIR]`` when optional), never
    ``DIR <path>`` or ``{DIR}``."""

    def display_type_rich(self, ctx: Any) -> str:
        return ""

    def _usage_display_name(self) -> str:
        name = self.display_name_raw if self.required else f"[{self.display_name_raw}]"
        return name + ("..." if self.nargs != 1 else "")


def _metavar(option: TyperOption) -> str:
    descriptor = option.type_descriptor
    if descriptor.is_choice and descriptor.choices:
        return "|".join(str(c.value if isinstance(c, Enum) else c) for c in descriptor.choices)
    if descriptor.is_path:
        return "PATH"
    annotation = descriptor.annotation
    element = getattr(annotation, "__args__", (annotation,))[0] if descriptor.is_list else annotation
    if element is Path:
        return "PATH"
    return {int: "INTEGER", float: "NUMBER"}.get(element, "TEXT")


def conform(command: Any) -> Any:
    """Apply the convention (see the module docstring) to ``command`` and its subcommands."""
    for param in command.params:
        if isinstance(param, TyperArgument) and not isinstance(param, _PlainArgument):
            param.__class__ = _PlainArgument
        if not isinstance(param, TyperOption):
            continue
        if "--stack" in param.opts:
            if param.multiple:
                param.callback = _many_stacks(param.callback)
            elif not isinstance(param, _OneStack):
                param.__class__ = _OneStack
        if param.is_flag:
            param.metavar = ""
        elif param.metavar is None:
            param.metavar = _metavar(param)
    if hasattr(command, "rich_markup_mode"):
        command.rich_markup_mode = None  # plain help: rich's help renderer alone takes longer than a command
    helper = command.get_help_option(click.Context(command))  # made once, then cached by the command
    if helper is not None:
        helper.metavar = ""
    for sub in getattr(command, "commands", {}).values():
        conform(sub)
    return command


def _one_line(exc: typer.BadParameter | Any) -> str:
    # typer 0.29 validates options through pydantic, whose messages start "Value error, "
    message = " ".join(str(exc.format_message()).split()).replace("Value error, ", "")
    ctx = getattr(exc, "ctx", None)
    hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
    return f"error: {message}{hint}"


class TricolorGroup(TyperGroup):
    """A typer group whose usage errors are one line and exit 1."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        conform(self)

    def add_command(self, cmd: Any, name: str | None = None) -> None:
        super().add_command(conform(cmd), name)

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, windows_expand_args: bool = True, **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        exceptions = click.exceptions
        try:
            result = super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        except exceptions.NoArgsIsHelpError as exc:  # `tricolor` or `tricolor release` alone: the help
            exc.show()
            sys.exit(ERROR)
        except exceptions.UsageError as exc:
            sys.stderr.write(_one_line(exc) + "\n")
            sys.exit(ERROR)
        except exceptions.ClickException as exc:
            sys.stderr.write(f"error: {' '.join(exc.format_message().split())}\n")
            sys.exit(exc.exit_code if exc.exit_code != 2 else ERROR)
        except typer.Abort:
            sys.stderr.write("error: aborted\n")
            sys.exit(ERROR)
        sys.exit(result if isinstance(result, int) else 0)


Entry = tuple[str, str, str]  # module, attribute (a typer.Typer, a command function, or "": see below), short help


class LazyGroup(TricolorGroup):
    """A group whose commands are imported by name when they run (see the module docstring).

    An entry's attribute names a ``typer.Typer`` or a command function of its module;
    an empty one means the module registers the command on the Typer app of the
    module ``registry`` (``@app.command("start")``), which is where it is then taken
    from. A name without an entry is looked for there too, after importing every
    entry's module, so a command added without an entry still runs.
    """

    entries: dict[str, Entry] = {}
    registry: str | None = None

    def list_commands(self, ctx: Any) -> list[str]:
        return [*self.entries, *(n for n in super().list_commands(ctx) if n not in self.entries)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in self.commands:
            if cmd_name in self.entries and getattr(self, "_listing", False):  # the group's help: short help only
                return TyperCommand(cmd_name, help=self.entries[cmd_name][2], short_help=self.entries[cmd_name][2])
            command = (load(cmd_name, self.entries[cmd_name], self.registry) if cmd_name in self.entries
                       else self._registered(cmd_name))
            if command is None:
                return None
            self.add_command(command, cmd_name)
        return self.commands[cmd_name]

    def _registered(self, name: str) -> Any:
        if self.registry is None:
            return None
        for module, _, _ in self.entries.values():
            importlib.import_module(module)
        return registered(name, self.registry)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


def registered(name: str, registry: str) -> Any:
    """The click command ``name`` registered on the Typer app of module ``registry``."""
    typer_app = importlib.import_module(registry).app
    for info in typer_app.registered_commands:
        if info.callback is not None and (info.name or typer.main.get_command_name(info.callback.__name__)) == name:
            return typer.main.get_command_from_info(info, pretty_exceptions_short=True, rich_markup_mode=None)
    return None


def load(name: str, entry: Entry, registry: str | None = None) -> Any:
    """The click command of ``entry``: its module imported now."""
    module_name, attribute, short = entry
    module = importlib.import_module(module_name)
    if not attribute:
        command = registered(name, registry) if registry else None
        if command is None:
            raise LookupError(f"{module_name} registers no command {name!r} on {registry}")
        return command
    target = getattr(module, attribute)
    if isinstance(target, typer.Typer):  # a group (a lazy one may have nothing registered yet)
        command = typer.main.get_group(target)
    else:
        single = typer.Typer(add_completion=False)
        single.command(name, short_help=short)(target)
        command = typer.main.get_command(single)
    command.name = name
    return command
