"""Policy figures: rules over the rendered example stacks, a large synthetic stack, the
shared checkpoint files, and the CrossGuard pack answering the analyzer protocol.

Run: ``.venv/bin/python bench/policies_bench.py [--pairs 2000]``. Prints figures; it is
never a timed test.
"""

from __future__ import annotations

import argparse
import copy
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from google.protobuf import struct_pb2
from pulumi.runtime import proto
from pulumi_policy.policy import _PolicyAnalyzerServicer

from tricolor.policies import PACK_VERSION, Resource, Subject, check_rendered, check_state, run
from tricolor.policies.pack import pack_arguments
from tricolor.stacks.config import load_stacks, stack_names
from tricolor.stacks.render import render

ROOT = Path(__file__).resolve().parents[1]
STATES = ROOT / "tests" / "fixtures" / "pulumi-state"  # vendored: nothing reads ../shared


def timed(label: str, count: int, func: Callable[[], Any], repeat: int = 1) -> Any:
    start = time.perf_counter()
    for _ in range(repeat):
        result = func()
    elapsed = (time.perf_counter() - start) / repeat
    print(f"{label:<52} {count:>7} in {elapsed * 1000:9.1f} ms  ({count / elapsed:>10,.0f}/s)")
    return result


def synthetic(rendered: Any, pairs: int) -> list[Resource]:
    """``pairs`` copies of the production stack's blue/green resources, renamed."""
    base = [r for r in rendered.resources if r.custom]
    out: list[Resource] = []
    for i in range(pairs // max(1, len(base) // 2) + 1):
        for item in base:
            name = item.name.replace("checkout", f"svc{i}")
            out.append(Resource(item.type, name, item.urn.replace(item.name, name), copy.deepcopy(item.inputs),
                                item.parent))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=2000, help="colored resource pairs in the synthetic stack")
    args = parser.parse_args()

    names = stack_names()
    items = load_stacks(names)
    rendered = timed(f"render {len(names)} example stacks (mock runtime)", len(names),
                     lambda: [render(i) for i in items])
    resources = sum(len(r.resources) for r in rendered)
    violations = timed(f"check_rendered: 8 rules over {len(names)} stacks", resources,
                       lambda: check_rendered(rendered), repeat=5)
    print(f"{'  violations in the example stacks':<52} {len(violations):>7}")

    prod = next(r for r in rendered if r.stack.name == "prod")
    big = synthetic(prod, args.pairs)
    found = timed("7 single-stack rules over a synthetic stack", len(big),
                  lambda: run([Subject("big", "production", tuple(big))]))
    print(f"{'  violations in the synthetic stack':<52} {len(found):>7}")

    for path in sorted(STATES.glob("checkpoint-*.json")):
        if "unsupported" in path.name:
            continue
        timed(f"check_state {path.name} (as production)", 30,
              lambda p=path: check_state(Path(p), environment="production"), repeat=20)

    kwargs = pack_arguments()
    servicer = _PolicyAnalyzerServicer(kwargs["name"], PACK_VERSION, kwargs["policies"],
                                       kwargs["enforcement_level"])
    requests = []
    for r in prod.resources:
        props = struct_pb2.Struct()
        props.update(json.loads(json.dumps(r.inputs)))
        requests.append(proto.AnalyzeRequest(type=r.type, urn=r.urn, name=r.name, properties=props))
    timed("pack Analyze (in-process servicer), prod resources", len(requests),
          lambda: [servicer.Analyze(q, None) for q in requests], repeat=5)


if __name__ == "__main__":
    main()
