"""Preview figures: naming speed, listing a folder backend, the reaper's decisions, and
what re-reading each stack right before destroying it costs.

Run: ``.venv/bin/python bench/previews_bench.py [--stacks 2000]``. Prints figures; it
is never a timed test.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from tricolor.previews.backends import open_backend
from tricolor.previews.listing import list_stacks, reread
from tricolor.previews.naming import preview_names
from tricolor.previews.reaper import decide, decide_one
from tricolor.previews.tags import PreviewMeta
from tricolor.previews.ttl import utcnow


def timed(label: str, count: int, func) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    func()
    elapsed = time.perf_counter() - start
    print(f"{label:<44} {count:>7} in {elapsed * 1000:9.1f} ms  ({count / elapsed:>10,.0f}/s)")
    return elapsed


def write_backend(root: Path, count: int) -> None:
    folder = root / ".pulumi" / "stacks" / "tricolor"
    folder.mkdir(parents=True)
    (root / ".pulumi" / "meta.yaml").write_text("version: 1\n")
    now = utcnow()
    for i in range(count):
        name = f"pr-{i + 1}-branch-{i:08x}" if i % 4 else f"team-{i}"
        resources = [{"urn": f"urn:pulumi:{name}::tricolor::kubernetes:core/v1:ConfigMap::c{j}", "custom": True,
                      "type": "kubernetes:core/v1:ConfigMap", "inputs": {"metadata": {"labels": {}}}}
                     for j in range(15)]
        doc = {"version": 3,
               "checkpoint": {"stack": f"organization/tricolor/{name}", "latest": {"resources": resources}}}
        (folder / f"{name}.json").write_text(json.dumps(doc))
        if i % 4:
            meta = PreviewMeta(pr=i + 1, created_at=now - timedelta(hours=i % 100), ttl=timedelta(hours=72),
                               branch=f"feature/{i}")
            (folder / f"{name}.pulumi-tags").write_text(json.dumps({"version": 1, "tags": meta.to_tags()}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stacks", type=int, default=2000)
    args = parser.parse_args()
    branches = [f"feature/JIRA-{i}-some-long-description-{'x' * (i % 80)}" for i in range(20000)]
    timed("preview_names (branches up to 120 chars)", len(branches),
          lambda: [preview_names(i + 1, b, "checkout") for i, b in enumerate(branches)])
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_backend(root, args.stacks)
        store = open_backend(f"file://{root}")
        records: list = []
        timed("list_stacks, folder backend (3/4 previews)", args.stacks,
              lambda: records.extend(list_stacks(store, "tricolor")))
        decisions: list = []
        timed("decide (pure)", len(records), lambda: decisions.extend(decide(records, utcnow())))
        counts = {a: sum(d.action == a for d in decisions) for a in ("destroy", "keep", "skip")}
        print(f"decisions: {counts}")
        doomed = [d for d in decisions if d.action == "destroy"]
        timed("re-read + decide again before each destroy", len(doomed),
              lambda: [decide_one(reread(store, d.record), utcnow(), {}) for d in doomed])


if __name__ == "__main__":
    main()
