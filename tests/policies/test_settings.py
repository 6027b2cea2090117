"""Policy configuration: Pulumi's --policy-pack-config format, clear errors."""

from __future__ import annotations

import json

import pytest

from tricolor.errors import UnknownNameError
from tricolor.policies import RULES, PolicyConfigError, get_rule, load_config, resolve
from tricolor.policies.rules_weights import WeightOptions


def test_defaults():
    settings = resolve(None)
    assert set(settings) == {r.name for r in RULES}
    assert all(s.enforcement == s.rule.enforcement for s in settings.values())


def test_levels_all_and_options():
    settings = resolve(
        {
            "all": "advisory",
            "router-weights": {"enforcementLevel": "mandatory", "total": 1000},
            "images-pinned": "disabled",
            "color-parity": "remediate",
        }
    )
    assert settings["stateful-shared"].enforcement == "advisory"
    assert settings["router-weights"].enforcement == "mandatory"
    assert settings["router-weights"].options == WeightOptions(total=1000)
    assert not settings["images-pinned"].enabled
    assert settings["color-parity"].enforcement == "mandatory"  # no rule remediates, as in Pulumi


def test_unknown_rule_name_is_a_clear_error():
    with pytest.raises(PolicyConfigError) as error:
        resolve({"images-pined": "advisory"}, source="policy.json")
    assert "policy.json: unknown rule 'images-pined'" in str(error.value)
    assert "images-pinned" in str(error.value)  # the known names are listed
    with pytest.raises(UnknownNameError, match="unknown policy rule 'nope'; known: color-parity, "):
        get_rule("nope")


def test_every_problem_is_reported_at_once():
    with pytest.raises(PolicyConfigError) as error:
        resolve(
            {
                "all": "loud",
                "router-weights": {"total": "many"},
                "images-pinned": {"colour": 1},
                "color-parity": 5,
            }
        )
    text = str(error.value)
    assert "all: 'loud' is not an enforcement level" in text
    assert "router-weights.total" in text
    assert "images-pinned.colour" in text
    assert "color-parity: expected an enforcement level or a mapping, got 5" in text


def test_load_config_files(tmp_path):
    good = tmp_path / "policy.json"
    good.write_text(json.dumps({"images-pinned": "advisory"}))
    assert load_config(good) == {"images-pinned": "advisory"}
    yaml_file = tmp_path / "policy.yaml"
    yaml_file.write_text("router-weights:\n  enforcementLevel: advisory\n")
    assert resolve(load_config(yaml_file))["router-weights"].enforcement == "advisory"
    with pytest.raises(PolicyConfigError, match="policy configuration: .*file does not exist"):
        load_config(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")
    with pytest.raises(PolicyConfigError, match="must be a mapping of rule names"):
        load_config(bad)
    broken = tmp_path / "broken.json"
    broken.write_text("{unclosed: [")
    with pytest.raises(PolicyConfigError, match="is not valid YAML"):
        load_config(broken)


def test_config_schema_matches_options():
    for rule in RULES:
        schema = rule.config_schema()
        aliases = {f.alias or name for name, f in rule.options.model_fields.items()}
        assert set(schema) == aliases, rule.name
        assert all("title" not in prop for prop in schema.values())
