"""A release is the whole revision (issue 17): configuration and secrets go through the
canary with the image, released by the engine with the product's offline applier."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import FAST_RELEASE
from revision_support import Site, config_map, parts

from tricolor.rollout.engine import Stop
from tricolor.rollout.errors import InvalidRequestError
from tricolor.rollout.record import RequestAction, Status
from tricolor.rollout.revisions import render_state
from tricolor.rollout.verbs import prepare, start, steer

IMAGE = "ghcr.io/acme/checkout:1.5.0"
FLAG = "FEATURE_NEW_CART"


def released(tmp_path: Path, **release: Any) -> Site:
    """A stack whose first release (``IMAGE``, with the spec as shipped) is completed:
    green is active, both colors run the same revision."""
    site = Site(tmp_path, {**copy.deepcopy(FAST_RELEASE), **release})
    first, _ = site.release(IMAGE)
    assert first.status == Status.COMPLETED and first.active == "green", first.reason
    assert first.revisions == {"blue": first.revision, "green": first.revision}
    return site


def flag_on(data: dict[str, Any]) -> None:
    data["env"][FLAG] = "true"


def test_a_config_only_release_changes_only_the_idle_color_until_the_cutover(tmp_path):
    site = released(tmp_path)
    before = site.record()
    site.edit(flag_on)
    rec, applier = site.release(None)
    assert rec.status == Status.COMPLETED and rec.active == "blue", rec.reason
    revision = rec.new_revision
    assert revision is not None and revision.image == IMAGE  # the active image: a config-only release
    assert revision.id == "r3" and revision.digest != before.catalog[before.revision or ""].digest
    changes = [(str(change.purpose), urns) for change, urns in applier.history]
    assert [p for p, _ in changes] == ["deploy", "weight", "weight", "weight", "scale-down"]
    deploy = changes[0][1]
    assert parts(deploy) == {"blue"} and any(u.endswith("::checkout-blue-config") for u in deploy)
    for purpose, urns in changes[:-1]:  # nothing touches the live color (green) until the cutover
        assert "green" not in parts(urns), (purpose, urns)
        assert purpose == "deploy" or parts(urns) == {"router"}
    # after the rollback window the old color is brought to the new revision as it is scaled down
    assert any(u.endswith("::checkout-green-config") for u in changes[-1][1])
    rendered = site.in_force()
    assert config_map(rendered, "blue")[FLAG] == config_map(rendered, "green")[FLAG] == "true"


def test_a_failed_analysis_leaves_the_live_color_on_the_old_value(tmp_path):
    site = released(tmp_path)
    old = site.record().revision
    site.edit(flag_on)
    rec, applier = site.release(None, canaryErrorRate=0.5)
    assert rec.status == Status.ABORTED and rec.active == "green"
    assert rec.revisions == {"green": old, "blue": rec.revision}
    rendered = site.in_force()
    assert config_map(rendered, "green")[FLAG] == "false"  # the live color kept its configuration
    assert config_map(rendered, "blue")[FLAG] == "true"
    assert all("green" not in parts(urns) for _, urns in applier.history)


def test_rollback_after_the_cutover_restores_the_old_value_with_the_old_color(tmp_path):
    site = released(tmp_path, rollbackWindow="1h")
    old = site.record().revision
    site.edit(flag_on)
    rec, _ = site.release(None, stop=Stop(active=True))
    assert rec.status == Status.SUCCEEDED and rec.active == "blue"
    assert config_map(site.in_force(), "blue")[FLAG] == "true"
    engine, applier = site.engine()
    back = steer(engine, RequestAction.ROLLBACK, reason="the new flag misbehaves").record
    assert back.status == Status.ROLLED_BACK and back.active == "green" and back.revisions["green"] == old
    assert config_map(site.in_force(), "green")[FLAG] == "false"  # the old value, with the old color
    ((change, urns),) = applier.history
    assert str(change.purpose) == "rollback" and parts(urns) == {"router"}


def test_a_config_only_release_with_nothing_changed_is_refused_and_writes_nothing(tmp_path):
    site = released(tmp_path)
    ledger = (tmp_path / "ledger" / "prod.json").read_bytes()
    engine, _ = site.engine()
    with pytest.raises(InvalidRequestError, match=r"nothing to release: the spec's configuration is the one "
                                                  r"green runs on 'prod' \(r2 "):
        start(engine, prepare(site.item().stack, None))
    with pytest.raises(InvalidRequestError, match=r"--image: ghcr.io/acme/checkout:1.5.0 is already the active"):
        start(engine, prepare(site.item().stack, IMAGE))
    assert (tmp_path / "ledger" / "prod.json").read_bytes() == ledger


def test_a_plain_render_of_a_spec_edit_builds_each_color_from_its_revision(tmp_path):
    """A render with the ledger's state (what `pulumi up` builds) keeps both colors on
    the revision they run; a render of the spec as it is (no ledger) shows the edit."""
    site = released(tmp_path)
    site.edit(flag_on)
    rec = site.record()
    rendered = render_state(site.item(), rec.in_force, rec.catalog)
    assert config_map(rendered, "green")[FLAG] == config_map(rendered, "blue")[FLAG] == "false"
    from tricolor.stacks.render import render

    plain = render(site.item())
    assert config_map(plain, "green")[FLAG] == "true"


def test_a_shared_change_needs_include_shared_and_is_applied_at_the_deploy(tmp_path):
    site = released(tmp_path)
    site.edit(lambda d: d["dependencies"][0].__setitem__("version", "17"))
    engine, _ = site.engine()
    with pytest.raises(InvalidRequestError, match="changes resources both colors share .* --include-shared"):
        start(engine, prepare(site.item().stack, None))
    rec, applier = site.release(None, include_shared=True)
    assert rec.status == Status.COMPLETED and rec.include_shared
    assert any(e.kind == "shared" and "not canaried" in e.detail for e in rec.events)
    deploy = applier.history[0][1]
    # the database changes for both colors at once; the idle color (scaled down after the
    # first release) starts again; nothing of the live color's changes
    assert parts(deploy) == {"shared", "blue"}
    assert any(u.endswith("::checkout-shared-orders-db-statefulset") for u in deploy)


def test_plan_says_the_spec_is_a_revision_not_rolled_out_and_shows_the_diff_per_color(tmp_path, cli):
    site = released(tmp_path)
    # (the color scaled down after the first release is a color-parity finding of its own)
    args = ["plan", "--stack", "prod", "--spec", str(site.spec), "--stacks-dir", str(site.stacks), "--no-policy-gate"]
    ledger = ["--ledger", str(tmp_path / "ledger")]
    same = cli(*args, *ledger)
    assert same.exit_code == 0, same.output
    assert "prod: the spec is revision r2, in force on green" in " ".join(same.stdout.split())
    site.edit(flag_on)
    pure = cli(*args)  # no --ledger and no tricolor:ledger: the render is pure, no ledger is read
    assert pure.exit_code == 0 and "revision" not in pure.stdout.replace("tricolor.dev/revision", "")
    found = cli(*args, *ledger)
    out = " ".join(found.stdout.split())
    assert ("spec revision r3 differs from the revision in force on green (r2): run `tricolor release start` "
            "to roll it out") in out
    assert "blue at ghcr.io" not in out and "blue at r3 (ghcr.io/acme/checkout:1.5.0, config" in out
    assert f'~ data.{FLAG}: "false" -> "true"' in out
    doc = json.loads(cli(*args, *ledger, "--output", "json").stdout)
    (notice,) = doc["revisions"]
    assert notice["differs"] and set(notice["changes"]) == {"blue", "green"}
    assert notice["in_force"]["green"].startswith("r2 (")
