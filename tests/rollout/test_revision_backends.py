"""Each color is built from its own revision on every backend (issue 17): after a spec
edit, the program as ``pulumi up`` runs it (the state in force read from the ledger the
stack names, ``program_state.ledger_state``) keeps both colors on the revision they run;
a config-only release brings the edit to the idle color alone, the live color keeps the
old value until the cutover."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pytest
from conftest import FAST_RELEASE
from revision_support import Site, parts

from tricolor.rollout.engine import Stop
from tricolor.rollout.machine import Next
from tricolor.rollout.program_state import ledger_state
from tricolor.rollout.record import LedgerRecord, Status
from tricolor.spec.revision import Revision
from tricolor.stacks.render import Rendered, render

FLAG = "FEATURE_NEW_CART"
ECR = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/checkout:1.5.0"  # Lambda runs images from ECR only


def k8s_env(rendered: Rendered, color: str, _: Mapping[str, Revision]) -> dict[str, str]:
    """The ConfigMap of ``color`` (``""``: the one environment of a rolling stack)."""
    return dict(rendered.find(f"checkout-{color}-config" if color else "checkout-config").inputs["data"])


def docker_env(rendered: Rendered, color: str, catalog: Mapping[str, Revision]) -> dict[str, str]:
    """A container's env holds secret values, so a render shows it as one secret: its
    revision label (the digest of what the color runs) names the revision, whose spec
    the ledger keeps."""
    container = rendered.find(f"checkout-{color}-container")
    assert container.inputs["envs"] == "[secret]"
    (label,) = [x["value"] for x in container.inputs["labels"] if x["label"] == "tricolor.dev/revision"]
    envs = {json.dumps(r.spec["env"], sort_keys=True) for r in catalog.values() if r.digest == label}
    (found,) = envs  # revisions with one digest render one configuration (their images may differ)
    return {k: str(v) for k, v in json.loads(found).items()}


def ecs_env(rendered: Rendered, color: str, _: Mapping[str, Revision]) -> dict[str, str]:
    (container,) = json.loads(rendered.find(f"checkout-{color}-task").inputs["containerDefinitions"])
    return {e["name"]: e["value"] for e in container["environment"]}


def lambda_env(rendered: Rendered, color: str, _: Mapping[str, Revision]) -> dict[str, str]:
    return dict(rendered.find(f"checkout-{color}-version").inputs["environment"])


#: backend -> (stack, image of the releases, the environment a color's objects give it)
BACKENDS: dict[str, tuple[str, str, Any]] = {
    "kubernetes": ("prod", "ghcr.io/acme/checkout:1.5.0", k8s_env),
    "docker": ("local", "ghcr.io/acme/checkout:1.5.0", docker_env),
    "aws": ("aws-prod", "ghcr.io/acme/checkout:1.5.0", ecs_env),
    "lambda": ("lambda-prod", ECR, lambda_env),
}


@dataclass(frozen=True)
class CanaryTakesTraffic(Stop):
    """Stop as soon as the canary has a weight (the deploy step is behind)."""

    def now(self, rec: LedgerRecord, action: Next) -> bool:
        return rec.weights.of(rec.canary) > 0 or super().now(rec, action)


def program(site: Site) -> Rendered:
    """What ``pulumi up`` builds: the stack's program with the state its ledger holds."""
    item = site.item()
    return render(item, ledger_state(item.stack, project=site.folder))


@pytest.mark.parametrize("backend", list(BACKENDS))
def test_each_color_is_built_from_its_revision_after_a_spec_edit(tmp_path, backend):
    name, image, env = BACKENDS[backend]
    site = Site(tmp_path, copy.deepcopy(FAST_RELEASE), stack=name)
    site.config(ledger=str(tmp_path / "ledger"))  # the ledger the program reads, as a team sets it
    first, _ = site.release(image)
    assert first.status == Status.COMPLETED and first.active == "green", first.reason
    old = first.revision
    site.edit(lambda d: d["env"].__setitem__(FLAG, "true"))

    # a plain `pulumi up` after the edit: both colors keep the revision they run
    rendered, catalog = program(site), site.record().catalog
    assert env(rendered, "green", catalog)[FLAG] == env(rendered, "blue", catalog)[FLAG] == "false"
    state = ledger_state(site.item().stack, project=site.folder)
    assert state.revisions is not None and {c: r.id for c, r in state.revisions.items()} == {"blue": old,
                                                                                            "green": old}
    if backend != "docker":  # without a ledger: the spec as it is
        assert env(render(site.item()), "green", catalog)[FLAG] == "true"

    # a config-only release: the deploy brings the edit to the idle color alone
    rec, applier = site.release(None, stop=CanaryTakesTraffic(active=True))
    assert rec.status == Status.RUNNING and rec.canary == "blue" and rec.weights.of("blue") > 0, rec.reason
    assert rec.revisions == {"green": old, "blue": rec.revision} and rec.revision != old
    assert all("green" not in parts(urns) for _, urns in applier.history)
    assert parts(applier.history[0][1]) == {"blue"}  # the deploy: the idle color's objects alone
    rendered, catalog = program(site), rec.catalog
    assert env(rendered, "green", catalog)[FLAG] == "false"  # the live color, until the cutover
    assert env(rendered, "blue", catalog)[FLAG] == "true"


def test_a_rolling_release_runs_the_revision_of_the_slot_in_force(tmp_path):
    """``strategy: rolling`` (the ``small`` stack): the one environment is built from the
    revision of the slot in force; a config-only release that fails its analysis applies
    the old slot's revision (configuration included) again, one that passes keeps the new."""
    site = Site(tmp_path, copy.deepcopy(FAST_RELEASE), stack="small")
    site.config(ledger=str(tmp_path / "ledger"))
    first, _ = site.release("ghcr.io/acme/checkout:1.5.0")
    assert first.status == Status.COMPLETED and first.settings.rolling, first.reason
    old = first.revision
    assert first.revisions is not None and first.revisions[first.active] == old
    site.edit(lambda d: d["env"].__setitem__(FLAG, "true"))
    assert k8s_env(program(site), "", {})[FLAG] == "false"  # a plain `pulumi up`: the slot's revision

    failed, _ = site.release(None, canaryErrorRate=0.5)
    assert failed.status == Status.ABORTED and failed.revisions is not None
    assert failed.revisions[failed.active] == old and failed.revisions[failed.canary] == failed.revision != old
    assert k8s_env(program(site), "", {})[FLAG] == "false"  # the old configuration is applied again

    passed, _ = site.release(None)
    assert passed.status == Status.COMPLETED and passed.revisions is not None, passed.reason
    assert passed.revisions[passed.active] == passed.revision != old
    assert k8s_env(program(site), "", {})[FLAG] == "true"
