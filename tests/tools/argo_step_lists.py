"""Collect every canary step list of Argo Rollouts' examples and docs into the fixture
``tests/fixtures/argo-rollouts/step-lists.yaml`` (run by hand, not by the tests).

    python tests/tools/argo_step_lists.py ARGO_CHECKOUT COMMIT > tests/fixtures/argo-rollouts/step-lists.yaml

Every ``.yaml``/``.yml`` file and every fenced code block of every ``.md`` file under
``examples/`` and ``docs/`` is searched for ``steps:`` keys whose value is a non-empty
list of mappings keyed by Argo step kinds; the list alone is parsed (documentation
blocks often elide the rest of a manifest with ``...``). A list that is not valid YAML
is kept as text under ``unparsable``. The data is Argo's, unchanged (Apache-2.0).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import yaml

KINDS = {"setWeight", "pause", "analysis", "experiment", "setCanaryScale", "setHeaderRoute", "setMirrorRoute",
         "plugin", "replicaProgressThreshold"}
FENCE = re.compile(r"^[ \t]*```[^\n]*\n(.*?)^[ \t]*```", re.M | re.S)
STEPS = re.compile(r"^(\s*)steps:\s*(#.*)?$")


def blocks(path: Path) -> list[tuple[int, str]]:
    """``(first line, text)`` of each YAML text in ``path``."""
    text = path.read_text()
    if path.suffix in (".yaml", ".yml"):
        return [(1, text)]
    return [(text[: m.start(1)].count("\n") + 1, m.group(1)) for m in FENCE.finditer(text)]


def step_lists(text: str) -> list[tuple[int, Any, str]]:
    """``(line in text, parsed list or None, raw text)`` of each ``steps:`` list."""
    lines = text.splitlines()
    found = []
    for i, line in enumerate(lines):
        m = STEPS.match(line)
        if not m:
            continue
        indent, body = len(m.group(1)), []
        for later in lines[i + 1:]:
            stripped = later.strip()
            if not stripped or stripped.startswith("#"):
                continue
            depth = len(later) - len(later.lstrip())
            if depth > indent or (depth == indent and stripped.startswith("- ")):
                body.append(later[indent:])
                continue
            break
        raw = "\n".join(body)
        try:
            value = yaml.safe_load("steps:\n" + raw)["steps"]
        except yaml.YAMLError:
            if any(kind in raw for kind in KINDS):
                found.append((i, None, raw))
            continue
        if isinstance(value, list) and value and all(isinstance(s, dict) and set(s) <= KINDS for s in value):
            found.append((i, value, raw))
    return found


def main(checkout: Path, commit: str) -> None:
    lists, bad = [], []
    for path in sorted(p for folder in ("examples", "docs") for p in (checkout / folder).rglob("*")
                       if p.suffix in (".yaml", ".yml", ".md")):
        source = str(path.relative_to(checkout))
        for start, text in blocks(path):
            for line, value, raw in step_lists(text):
                where = {"source": source, "line": start + line}
                if value is None:
                    bad.append({**where, "text": raw})
                else:
                    lists.append({**where, "steps": value})
    header = ("# Every canary step list (strategy.canary.steps) of Argo Rollouts' examples/ and docs/, as Argo\n"
              "# writes them, with the file and line of its `steps:` key.\n"
              "# Collected by tests/tools/argo_step_lists.py.\n"
              "# Apache-2.0, https://github.com/argoproj/argo-rollouts (see ../README.md).\n")
    sys.stdout.write(header + yaml.safe_dump({"commit": commit, "lists": lists, "unparsable": bad},
                                             sort_keys=False, width=100))


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2])
