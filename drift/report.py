"""Reports of a drift result: the formats and how they are written.

``text`` (``text_report``), ``markdown``, ``json`` (here; schema
``templates/report.schema.json``), ``html`` and ``junit``, each in its own module.
Every format shows allowed and ignored differences as such (allowed ones collapsed
behind a count unless ``show_allowed``), never hides them. Values are already
normalised and redacted, so no report can leak a secret. ``write_reports`` renders every
format before it writes any, so an error leaves no partial output.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from ..errors import UnknownNameError
from .errors import ReportError
from .html import to_html
from .junit import to_junit
from .markdown import to_markdown
from .model import DriftResult
from .text_report import to_text

__all__ = ["FILE_NAMES", "FORMATS", "SCHEMA_FILE", "SCHEMA_ID", "json_bytes", "render", "to_json", "write_reports"]

FILE_NAMES = {"text": "drift.txt", "markdown": "drift.md", "json": "drift.json", "html": "drift.html",
              "junit": "drift-junit.xml"}
FORMATS = tuple(FILE_NAMES)
SCHEMA_ID = "tricolor.dev/drift-report/v1"
SCHEMA_FILE = Path(__file__).resolve().parent / "templates" / "report.schema.json"
_JSON = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS


def to_json(result: DriftResult, generated_at: datetime | None = None) -> dict[str, Any]:
    """The JSON report (schema ``templates/report.schema.json``)."""
    counts = result.counts
    return {
        "schema": SCHEMA_ID,
        "generated_at": (generated_at or datetime.now(UTC)).isoformat(timespec="seconds"),
        "stacks": list(result.environments),
        "environments": [{"label": e, "source": result.sources.get(e, "")} for e in result.environments],
        "summary": {**counts, "resources": result.resources, "unchanged": result.unchanged,
                    "unknown": result.unknown, "exit_code": result.exit_code,
                    "new": sum(1 for d in result.differences if d.new) if result.annotated else None},
        "differences": [d.as_json() for d in result.differences],
    }


def _big(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _big(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_big(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool) and not -(2**63) <= value < 2**64:
        return str(value)
    return value


def json_bytes(document: Any) -> bytes:
    """``document`` as indented, key-sorted JSON (orjson) and a newline; integers beyond
    64 bits are written as text."""
    try:
        return orjson.dumps(document, option=_JSON, default=str) + b"\n"
    except TypeError:
        return orjson.dumps(_big(document), option=_JSON, default=str) + b"\n"


_RENDERERS: dict[str, Callable[[DriftResult, bool], str]] = {
    "text": lambda result, show_allowed: to_text(result, 100, show_allowed),
    "markdown": to_markdown,
    "json": lambda result, show_allowed: json_bytes(to_json(result)).decode(),
    "html": to_html,
    "junit": lambda result, show_allowed: to_junit(result),
}


def render(result: DriftResult, fmt: str, show_allowed: bool = False) -> str:
    if fmt not in _RENDERERS:
        raise ReportError(str(UnknownNameError("report format", fmt, FORMATS)))
    return _RENDERERS[fmt](result, show_allowed)


def write_reports(result: DriftResult, formats: Sequence[str], out_dir: Path,
                  show_allowed: bool = False) -> list[Path]:
    """Render every format first, then write them all (no partial output on error)."""
    rendered = {fmt: render(result, fmt, show_allowed) for fmt in formats}
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        paths = []
        for fmt, text in rendered.items():
            path = out_dir / FILE_NAMES[fmt]
            path.write_text(text, encoding="utf-8", errors="backslashreplace")
            paths.append(path)
    except OSError as exc:
        raise ReportError(f"cannot write reports to {out_dir}: {exc.strerror or exc}") from None
    return paths
