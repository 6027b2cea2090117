"""``tricolor import argo ROLLOUT.yaml``: an Argo Rollouts ``Rollout``'s canary strategy as
tricolor's ``release`` block (``spec.argo`` converts; this module reads and prints).

The file (and each ``--templates`` file) is read with the spec's strict YAML reader, all
its documents (``---``): at most 1 MiB, UTF-8, no alias bombs, no duplicate keys, no
tags that build objects. Standard output gets the YAML to paste into ``service.yaml``
(or, with ``--output json``, one document with the release and both lists); standard
error lists what was not converted and what behaves differently, each naming where it
is and why.

Exit codes: 0 converted in full, 2 converted with parts left out (the list says which),
1 bad input (not YAML, not a Rollout, no canary strategy): one line, nothing printed.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.markup import escape

from ..errors import ExitCode
from ..spec.argo import convert_rollout
from ..spec.errors import SpecFileError
from ..spec.yamlfile import read_documents
from .common import console, err_console, guarded, print_json
from .group import TricolorGroup

__all__ = ["app", "argo_command"]

app = typer.Typer(name="import", cls=TricolorGroup,
                  help="Convert another tool's release definition into tricolor's spec.", no_args_is_help=True)


class _Dumper(yaml.SafeDumper):
    """Multi-line text (PromQL) as a literal block, as people write it."""


_Dumper.add_representer(str, lambda dumper, value: dumper.represent_scalar(
    "tag:yaml.org,2002:str", value, style="|" if "\n" in value else None))


class Format(StrEnum):
    yaml = "yaml"
    json = "json"


def _documents(path: Path) -> list[Any]:
    documents = read_documents(path)
    problems = [p for d in documents for p in d.problems]
    if problems:
        raise SpecFileError(problems)
    return [d.data for d in documents]


@app.command("argo")
@guarded
def argo_command(
    rollout: Annotated[Path, typer.Argument(metavar="ROLLOUT.yaml", help="The Rollout's manifest (with its "
                                            "AnalysisTemplates, if they are in the same file).")],
    templates: Annotated[list[Path] | None, typer.Option(
        "--templates", "-t", metavar="FILE", help="A file of AnalysisTemplates or ClusterAnalysisTemplates the "
        "Rollout refers to (repeatable).")] = None,
    name: Annotated[str | None, typer.Option("--name", metavar="NAME", help="The Rollout to convert when the "
                                             "file holds several.")] = None,
    output: Annotated[Format, typer.Option("--output", "-o", help="yaml or json.")] = Format.yaml,
) -> None:
    """Convert an Argo Rollout's canary steps and analysis templates into release.steps and
    release.analysis; list what could not be converted."""
    documents = _documents(rollout)
    for extra in templates or []:
        documents += _documents(extra)
    result = convert_rollout(documents, name)
    if output == Format.json:
        print_json({"rollout": result.rollout, "release": result.release, "not_converted": result.notes,
                    "remarks": result.remarks})
    else:
        text = yaml.dump({"release": result.release}, Dumper=_Dumper, sort_keys=False, default_flow_style=False,
                         width=100)
        console.print(f"# release of Argo Rollout {result.rollout!r}, converted by tricolor import argo",
                      markup=False, highlight=False)
        console.print(text.rstrip("\n"), markup=False, highlight=False, soft_wrap=True)
        for title, items in (("not converted, or to finish by hand", result.notes), ("good to know", result.remarks)):
            if items:
                err_console.print(f"[bold]{title}[/] ({len(items)}):")
                for item in items:
                    err_console.print(f"  - {escape(item)}", soft_wrap=True)
    if result.notes:
        raise typer.Exit(ExitCode.FINDING)
