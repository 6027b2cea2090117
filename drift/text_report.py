"""The text report: drift first, then ignored, allowed differences collapsed behind a
count (``show_allowed`` lists them), laid out for a given width.

Each difference is a block: the field path on its own line (wrapped only after a dot,
never inside a word), then one line per environment with its value, the odd one(s)
marked ``<- odd one``. Plain lines with a style name each: ``to_text`` joins them for
a file, the CLI prints them as ``rich.text.Text`` (so no value is ever read as markup).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from .model import Difference, DriftResult, Status
from .present import display, reason_counts, short_role, summary_line

__all__ = ["Line", "lines", "to_text", "wrap_path"]

Line = tuple[str, str]  # (text, style name: title, heading, resource, path, value, odd, note, plain)
ODD = "  <- odd one"
_TITLES = {"drift": "Drift", "ignored": "Ignored", "allowed": "Allowed"}


def wrap_path(path: str, width: int, indent: int, more: int = 2) -> list[str]:
    """``path`` in lines of at most ``width`` characters, broken only after a dot (a
    segment longer than a line stays whole)."""
    segments = [s + "." for s in path.split(".")]
    segments[-1] = segments[-1][:-1]
    out: list[str] = []
    current = ""
    for segment in segments:
        room = width - (indent if not out else indent + more)
        if current and len(current) + len(segment) > room:
            out.append(current)
            current = segment
        else:
            current += segment
    out.append(current)
    return [" " * indent + out[0], *[" " * (indent + more) + line for line in out[1:]]]


def _wrap(text: str, width: int, first: str, rest: str, data: bool = False) -> list[str]:
    """``text`` wrapped at spaces; only a value (``data``) longer than a line is cut
    inside a word."""
    room = max(width - len(first), 12)
    chunks = textwrap.wrap(text, room, break_long_words=data, break_on_hyphens=False) or [""]
    return [first + chunks[0], *[rest + c for c in chunks[1:]]]


def _block(d: Difference, environments: Sequence[str], width: int) -> list[Line]:
    out: list[Line] = [(line, "path") for line in wrap_path(d.path or "(resource)", width, 4)]
    note = d.reason + (" (new)" if d.new else f" (since {d.first_seen})" if d.first_seen else "")
    if note.strip():
        out += [(line, "note") for line in _wrap(note.strip(), width, "      ", "      ")]
    column = max(len(e) for e in environments) + 2
    for environment in environments:
        odd = environment in d.odd
        first = "      " + environment.ljust(column)
        value = display(d, environment, 400) + (ODD if odd else "")
        out += [(line, "odd" if odd else "value") for line in _wrap(value, width, first, " " * len(first), True)]
    return out


def _section(result: DriftResult, status: str, rows: list[Difference], width: int) -> list[Line]:
    out: list[Line] = [("", "plain"), (f"{_TITLES[status]} ({len(rows)})", f"heading-{status}")]
    resource = None
    for d in rows:
        if d.resource != resource:
            resource = d.resource
            out += [(line, "resource") for line in _wrap(short_role(d.resource), width, "  ", "    ")]
        out += _block(d, result.environments, width)
    return out


def lines(result: DriftResult, width: int = 100, show_allowed: bool = False) -> list[Line]:
    """The report as lines of at most ``width`` characters (a path segment or a word
    longer than a line excepted)."""
    width = max(width, 40)
    out: list[Line] = [(line, "title") for line in _wrap(summary_line(result), width, "", "  ")]
    statuses: tuple[Status, ...] = ("drift", "ignored")
    for status in statuses:
        rows = result.of_status(status)
        if rows:
            out += _section(result, status, rows, width)
    allowed = result.of_status("allowed")
    if allowed and show_allowed:
        out += _section(result, "allowed", allowed, width)
    elif allowed:
        kinds = ", ".join(f"{kind} {count}" for kind, count in reason_counts(allowed).items())
        out += [("", "plain")]
        out += [(line, "heading-allowed") for line in _wrap(
            f"Allowed ({len(allowed)}): {kinds}; --show-allowed lists them", width, "", "  ")]
    if not result.differences:
        out += [("", "plain"), ("Every compared resource is the same in every environment.", "plain")]
    return out


def to_text(result: DriftResult, width: int = 100, show_allowed: bool = False) -> str:
    return "\n".join(text.rstrip() for text, _ in lines(result, width, show_allowed)) + "\n"
