"""Secrets as part of the revision (issue 17): a new secret value reaches the idle color
first, never both colors at once, on every backend; and no secret value is ever in the
ledger, in what the offline applier keeps, in a report or in any output."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import FAST_RELEASE
from revision_support import Site, parts

from tricolor.rollout.record import Status
from tricolor.rollout.revisions import render_state
from tricolor.spec.revision import config_key, revision_of, secret_versions
from tricolor.spec.weights import Weights
from tricolor.stacks.config import StackInput, load_stacks, read_stack_config
from tricolor.stacks.render import render
from tricolor.stacks.state import ReleaseState

OLD, NEW = "sk_live_OLD_7f3a9c51e2", "sk_live_NEW_b81d04c6aa"
DB = "pw-orders-91c4be7f03"
IMAGE = "ghcr.io/acme/checkout:1.5.0"

#: per backend: the stack, the object of a color holding its secret values, and the
#: property that carries them (what a color keeps while the config holds a new value)
BACKENDS = {
    "kubernetes": ("prod", "checkout-{color}-secret", "stringData"),
    "docker": ("local", "checkout-{color}-container", "envs"),
    "aws": ("aws-prod", "checkout-{color}-secret-stripe-api-key-value", "secretString"),
    "lambda": ("lambda-prod", "checkout-{color}-secret-stripe-api-key-value", "secretString"),
}


def stack_input(name: str, stripe: str) -> StackInput:
    """Stack ``name`` with plain secret values in its config (the team's own secrets
    created by tricolor: the ARNs the example's AWS stacks give are dropped)."""
    config, secure = read_stack_config(name)
    config = {**config, "tricolor:databasePassword": DB, "tricolor:stripeApiKey": stripe}
    for backend in ("aws", "lambda"):
        if f"tricolor:{backend}" in config:
            config[f"tricolor:{backend}"] = {k: v for k, v in config[f"tricolor:{backend}"].items() if k != "secrets"}
    (item,) = load_stacks([name], configs={name: (config, secure)})
    return item


def versions(item: StackInput) -> dict[str, str]:
    stack = item.stack
    return secret_versions(stack, {config_key(stack, v): item.config.get(config_key(stack, v))
                                   for v in stack.spec.secrets})


@pytest.mark.parametrize("backend", list(BACKENDS))
def test_a_new_secret_value_reaches_only_the_idle_color(backend):
    """The config holds the NEW value; blue (live) runs the revision recorded with the old
    one, green (idle) was just given the new one: green's object takes the new value,
    blue's keeps what it holds (Pulumi ignores the change) until a release brings it."""
    name, template, carried = BACKENDS[backend]
    old_item, item = stack_input(name, OLD), stack_input(name, NEW)
    image = item.stack.images["blue"]  # Lambda runs ECR images only
    before = revision_of(old_item.stack, image, versions(old_item), 1)
    after = revision_of(item.stack, image, versions(item), 2)
    assert before.secrets["STRIPE_API_KEY"] != after.secrets["STRIPE_API_KEY"]
    assert before.secrets["DATABASE_PASSWORD"] == after.secrets["DATABASE_PASSWORD"]
    assert before.digest != after.digest  # a new secret value is a new revision of the colors
    state = ReleaseState(weights=Weights(100, 0), images={"blue": image, "green": image},
                         revisions={"blue": before, "green": after}, shared=after)
    rendered = render(item, state)
    live, idle = (rendered.find(template.format(color=c)) for c in ("blue", "green"))
    assert carried in live.ignore_changes and carried not in idle.ignore_changes
    # the shared part (the database's password) did not change: nothing shared keeps anything
    assert not [r.name for r in rendered.resources if "shared" in r.name and r.ignore_changes
                and r.ignore_changes != ("imageUri", "environment")]
    # once the live color runs the new revision too, nothing keeps anything
    both = render(item, ReleaseState(weights=Weights(100, 0), images={"blue": image, "green": image},
                                     revisions={"blue": after, "green": after}, shared=after))
    assert not both.find(template.format(color="blue")).ignore_changes
    for resource in rendered.resources:  # the renders carry no value, only references and versions
        text = json.dumps(resource.inputs)
        assert NEW not in text and OLD not in text and DB not in text


def test_a_secret_change_goes_through_the_canary_and_no_value_is_ever_written(tmp_path, cli):
    """Through the CLI: a first release, then the Stripe key changes in the stack's config
    and a config-only release takes it to the idle color first. The values are searched
    for in every byte the ledger, the offline applier, the reports and the outputs hold."""
    site = Site(tmp_path, copy.deepcopy(FAST_RELEASE))  # the first release: no rollback window
    site.config(databasePassword=DB, stripeApiKey=OLD)
    common = ["--stack", "prod", "--spec", str(site.spec), "--stacks-dir", str(site.stacks), "--ledger",
              str(tmp_path / "ledger"), "--applier", "offline", "--poll", "0.05", "--report-dir",
              str(tmp_path / "reports")]
    outputs: list[str] = []

    def run(*args: str) -> Any:
        result = cli("release", *args)
        outputs.extend([result.stdout, result.stderr])
        return result

    first = run("start", "--image", IMAGE, "--wait", *common)
    assert first.exit_code == 0, first.output
    rec = site.record()
    assert rec.status == Status.COMPLETED and rec.active == "green"
    site.config(stripeApiKey=NEW)
    site.edit(lambda d: d["release"].__setitem__("rollbackWindow", "1h"))  # not part of a revision
    second = run("start", *common)  # no --image: a config-only release
    assert second.exit_code == 0, second.output
    assert "config-only release: r3" in " ".join(second.stderr.split())
    rec = site.record()
    assert rec.status == Status.SUCCEEDED and rec.active == "blue" and rec.image == IMAGE
    new, old = rec.catalog[rec.revisions["blue"]], rec.catalog[rec.revisions["green"]]
    assert new.secrets["STRIPE_API_KEY"] != old.secrets["STRIPE_API_KEY"]
    rendered = render_state(site.item(), rec.in_force, rec.catalog)
    assert "stringData" in rendered.find("checkout-green-secret").ignore_changes  # green keeps the old value
    assert not rendered.find("checkout-blue-secret").ignore_changes
    back = run("rollback", *common, "--reason", "the new key is refused")
    assert back.exit_code == 2 and site.record().active == "green"
    outputs.append(json.dumps(run("status", "--stack", "prod", "--ledger", str(tmp_path / "ledger"),
                                  "-o", "json").stdout))
    written = b"".join(p.read_bytes() for p in tmp_path.rglob("*")
                       if p.is_file() and p.parent != site.stacks and p != site.spec)
    assert (tmp_path / "ledger" / "offline" / "prod.json").exists() and list((tmp_path / "reports").iterdir())
    for value in (OLD, NEW, DB):
        assert value.encode() not in written
        assert all(value not in text for text in outputs)


def test_the_deploy_of_a_secret_change_touches_the_idle_color_alone(tmp_path):
    site = Site(tmp_path, copy.deepcopy(FAST_RELEASE))
    site.config(databasePassword=DB, stripeApiKey=OLD)
    first, _ = site.release(IMAGE)
    assert first.status == Status.COMPLETED
    site.config(stripeApiKey=NEW)
    rec, applier = site.release(None)
    assert rec.status == Status.COMPLETED, rec.reason
    deploy = applier.history[0][1]
    assert parts(deploy) == {"blue"}
    assert {u.rsplit("::", 1)[1] for u in deploy} >= {"checkout-blue-secret", "checkout-blue-deployment"}
    assert not [u for _, urns in applier.history[1:-1] for u in urns if "router" not in parts([u])]


def test_no_secret_value_reaches_the_ledger_of_a_dry_run_or_a_plan(tmp_path, cli):
    site = Site(tmp_path, copy.deepcopy(FAST_RELEASE))
    site.config(databasePassword=DB, stripeApiKey=NEW)
    result = cli("release", "start", "--stack", "prod", "--image", IMAGE, "--dry-run", "--spec", str(site.spec),
                 "--stacks-dir", str(site.stacks), "--ledger", str(tmp_path / "ledger"), "-o", "json")
    assert result.exit_code == 0, result.output
    assert NEW not in result.stdout + result.stderr and DB not in result.stdout + result.stderr
    assert not Path(tmp_path / "ledger").exists()
