"""Policy configuration: enforcement levels and rule options.

The format is Pulumi's policy pack configuration (``pulumi preview --policy-pack-config
FILE``), so one file serves both the CrossGuard pack and ``tricolor policy check``::

    {
      "all": "advisory",                              # default level of every rule
      "images-pinned": "mandatory",                   # a level alone
      "router-weights": {"enforcementLevel": "advisory", "total": 100}
    }

Levels: ``advisory``, ``mandatory``, ``remediate`` (no rule remediates, so it counts as
``mandatory`` as in Pulumi) and ``disabled``. An unknown rule name, an unknown level or
an option of the wrong type is an error naming the key; every problem is reported at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from pydantic import ValidationError

from ..spec.errors import SpecError
from ..spec.load import read_yaml
from .errors import PolicyConfigError
from .model import ENFORCEMENTS, Enforcement, Options, Rule
from .registry import RULES, rule_names

LEVEL_KEY = "enforcementLevel"


@dataclass(frozen=True)
class RuleSettings:
    rule: Rule
    enforcement: Enforcement
    options: Options

    @property
    def enabled(self) -> bool:
        return self.enforcement != "disabled"


def _level(value: Any, where: str, problems: list[str]) -> Enforcement | None:
    if value not in ENFORCEMENTS:
        problems.append(f"{where}: {value!r} is not an enforcement level ({', '.join(ENFORCEMENTS)})")
        return None
    return cast(Enforcement, "mandatory" if value == "remediate" else value)


def parse_options(rule: Rule, values: Mapping[str, Any], where: str = "") -> Options:
    """The rule's options from configuration ``values`` (defaults for what is absent)."""
    try:
        return rule.options.model_validate(dict(values))
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            field = ".".join(str(p) for p in error["loc"])
            lines.append(f"{where or rule.name}.{field}: {error['msg']}")
        raise PolicyConfigError(
            "invalid policy configuration:\n" + "\n".join(f"  - {x}" for x in lines)
        ) from None


def resolve(
    config: Mapping[str, Any] | None = None,
    source: str = "policy configuration",
    rules: tuple[Rule, ...] = RULES,
) -> dict[str, RuleSettings]:
    """Each rule's enforcement level and options once ``config`` is applied."""
    config = dict(config or {})
    problems: list[str] = []
    known = {rule.name for rule in rules}
    for key in config:
        if key != "all" and key not in known:
            problems.append(f"{source}: unknown rule {key!r}; known rules: {', '.join(rule_names())}")
    default: Enforcement | None = None
    if "all" in config:
        value = config["all"]
        value = value.get(LEVEL_KEY) if isinstance(value, Mapping) else value
        default = _level(value, f"{source}: all", problems)
    settings: dict[str, RuleSettings] = {}
    for rule in rules:
        enforcement: Enforcement = default or rule.enforcement
        values: Mapping[str, Any] = {}
        entry = config.get(rule.name)
        where = f"{source}: {rule.name}"
        if isinstance(entry, str):
            enforcement = _level(entry, where, problems) or enforcement
        elif isinstance(entry, Mapping):
            values = {k: v for k, v in entry.items() if k != LEVEL_KEY}
            if LEVEL_KEY in entry:
                enforcement = _level(entry[LEVEL_KEY], f"{where}.{LEVEL_KEY}", problems) or enforcement
        elif entry is not None:
            problems.append(f"{where}: expected an enforcement level or a mapping, got {entry!r}")
        try:
            options = parse_options(rule, values, where)
        except PolicyConfigError as exc:
            problems.extend(line.strip()[2:] for line in str(exc).splitlines()[1:])
            continue
        settings[rule.name] = RuleSettings(rule, enforcement, options)
    if problems:
        raise PolicyConfigError("invalid policy configuration:\n" + "\n".join(f"  - {p}" for p in problems))
    return settings


def load_config(path: Path) -> dict[str, Any]:
    """Read a policy configuration file (JSON, or YAML); errors name the file."""
    try:
        data = read_yaml(path)  # strict: bounded size, nesting and aliases, no duplicate keys
    except SpecError as exc:
        raise PolicyConfigError("policy configuration: " + "; ".join(map(str, exc.problems))) from None
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise PolicyConfigError(
            f"{path}: the policy configuration must be a mapping of rule names, got {type(data).__name__}"
        )
    return dict(data)
