"""release-migrations: a release with migrations keeps a rollback window and a contract
that can run (and a backend that runs migrations)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from tricolor.policies import check_rendered
from tricolor.policies.model import Context
from tricolor.policies.registry import get_rule
from tricolor.policies.rules_migrations import MigrationOptions, check
from tricolor.policies.settings import resolve
from tricolor.stacks.config import load_stacks
from tricolor.stacks.render import Rendered

ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS = {"command": ["./migrate"], "expand": ["up"], "contract": ["cleanup"]}


@pytest.fixture
def stacks_with(tmp_path):
    """The example stacks (no resources: the rule reads the spec) with ``release`` changed."""

    def make(names: list[str], **release: Any) -> list[Rendered]:
        data = yaml.safe_load((ROOT / "service.yaml").read_text())
        data["release"] = {**copy.deepcopy(data["release"]), **release}
        spec = tmp_path / "service.yaml"
        spec.write_text(yaml.safe_dump(data, sort_keys=False))
        return [Rendered(stack=item.stack) for item in load_stacks(names, spec)]

    return make


def findings(stacks: list[Rendered], **options: Any) -> list[str]:
    return [f.message for f in check(stacks, MigrationOptions.model_validate(options), Context())]


def test_the_example_has_nothing_to_flag(rendered):
    assert check(list(rendered.values()), MigrationOptions(), Context()) == []


def test_migrations_without_a_rollback_window_are_flagged(stacks_with):
    (message,) = findings(stacks_with(["prod"], migrations=MIGRATIONS, rollbackWindow="0s"))
    assert "stack prod" in message and "rollback window of 0s" in message and "rollbackWindow" in message
    assert findings(stacks_with(["prod"], migrations=MIGRATIONS, rollbackWindow="10m")) == []
    (short,) = findings(stacks_with(["prod"], migrations=MIGRATIONS, rollbackWindow="10m"), minRollbackWindow="15m")
    assert "at least 15m" in short


def test_a_contract_with_the_old_color_kept_is_flagged(stacks_with):
    kept = stacks_with(["prod", "small"], migrations=MIGRATIONS, scaleDownIdle=False)
    (message,) = findings(kept)  # rolling (small) has no old color to keep
    assert "stack prod" in message and "scaleDownIdle: false" in message
    assert findings(kept, contractNeedsScaleDown=False) == []
    expand_only = stacks_with(["prod"], migrations={**MIGRATIONS, "contract": None}, scaleDownIdle=False)
    assert findings(expand_only) == []


def test_a_backend_without_migrations_is_flagged_and_staging_is_not_checked(stacks_with):
    stacks = stacks_with(["lambda-prod", "staging"], migrations=MIGRATIONS)
    (message,) = findings(stacks)
    assert "stack lambda-prod" in message and "lambda backend" in message
    assert findings(stacks, environments=["production", "staging"]) == [message]


def test_the_rule_runs_with_the_others_and_its_level_is_configurable(stacks_with):
    stacks = stacks_with(["prod"], migrations=MIGRATIONS, rollbackWindow="0s")
    (violation,) = [v for v in check_rendered(stacks) if v.policy == "release-migrations"]
    assert violation.mandatory and violation.resource == "stack:prod"
    relaxed = resolve({"release-migrations": "advisory"})
    (advisory,) = [v for v in check_rendered(stacks, relaxed) if v.policy == "release-migrations"]
    assert not advisory.mandatory
    schema = get_rule("release-migrations").config_schema()
    assert {"minRollbackWindow", "contractNeedsScaleDown", "environments"} <= set(schema)
