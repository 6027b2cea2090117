"""The Markdown report (a pull-request comment, the drift issue): drift first, then
ignored, allowed differences folded behind a count.

Data is never markup: ``text`` escapes HTML (``<img>`` shows as text), Markdown
punctuation and table pipes, and neutralises @-mentions and emoji codes (``@team``
notifies nobody, ``:fire:`` stays text: a zero-width space follows the ``@`` or
``:``); ``code`` puts a value in a code span
whose fence is longer than any run of backticks inside it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from .model import Difference, DriftResult
from .present import display, reason_counts, short_role, summary_line

__all__ = ["code", "text", "to_markdown"]

_PUNCTUATION = re.compile(r"([\\`*_\[\]|~])")
_MENTION = re.compile(r"@(?=[A-Za-z0-9_])")
_EMOJI = re.compile(r"(?<![A-Za-z0-9]):(?=[A-Za-z0-9_+-]*[A-Za-z][A-Za-z0-9_+-]*:(?![A-Za-z0-9]))")
_NEWLINES = re.compile(r"[\r\n]+")
_TICKS = re.compile(r"`+")


def text(value: str) -> str:
    """``value`` as inert Markdown text (see the module docstring)."""
    escaped = html.escape(_NEWLINES.sub(" ", value), quote=False)
    escaped = _EMOJI.sub(":&#8203;", _MENTION.sub("@&#8203;", escaped))
    return _PUNCTUATION.sub(r"\\\1", escaped)


def code(value: str) -> str:
    """``value`` as a code span (inside a table: pipes escaped, which GitHub unescapes)."""
    value = _NEWLINES.sub(" ", value).replace("|", "\\|")
    longest = max((len(run) for run in _TICKS.findall(value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value.startswith("`") or value.endswith("`") or not value.strip() else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def _table(rows: Sequence[Difference], environments: Sequence[str]) -> list[str]:
    out = ["| resource | field | " + " | ".join(text(e) for e in environments) + " | note |",
           "|---|---|" + "---|" * len(environments) + "---|"]
    for d in rows:
        note = d.reason + (" (new)" if d.new else f" (since {d.first_seen})" if d.first_seen else "")
        values = [code(display(d, e, 100)) + (" **odd one**" if e in d.odd else "") for e in environments]
        out.append("| " + " | ".join([code(short_role(d.resource)), code(d.path or "(resource)"), *values,
                                      text(note.strip())]) + " |")
    return out


def to_markdown(result: DriftResult, show_allowed: bool = False) -> str:
    """Markdown for a pull-request comment or an issue (``show_allowed``: the allowed
    table open instead of folded)."""
    lines = [f"## tricolor drift: {'drift found' if result.has_drift else 'parity'}", "",
             text(summary_line(result)), ""]
    for status, title in (("drift", "Drift"), ("ignored", "Ignored")):
        rows = result.of_status(status)  # type: ignore[arg-type]
        if rows:
            lines += [f"### {title} ({len(rows)})", "", *_table(rows, result.environments), ""]
    allowed = result.of_status("allowed")
    if allowed:
        kinds = ", ".join(f"{kind} {count}" for kind, count in reason_counts(allowed).items())
        lines += [f"<details{' open' if show_allowed else ''}><summary>Allowed ({len(allowed)}): "
                  f"{html.escape(kinds)}</summary>", "", *_table(allowed, result.environments), "", "</details>", ""]
    return "\n".join(lines)
