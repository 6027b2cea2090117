"""Policies: a CrossGuard pack that guards parity and safe releases, runnable offline.

Rules are pure functions over plain resource data (``rules_*.py``, one module each);
``pack.py`` turns them into ``pulumi_policy`` policies for ``pulumi preview
--policy-pack policies``; ``runner.py`` runs them over rendered stacks or a state file
with no Pulumi CLI; ``settings.py`` reads Pulumi's policy configuration format.
"""

from __future__ import annotations

from .errors import PolicyConfigError, PolicyError, PolicyInputError
from .model import PACK_NAME, PACK_VERSION, Context, Finding, Resource, Rule, Violation
from .registry import PACK_RULES, RULES, get_rule, rule_names
from .report import document, exit_code, violations_renderable
from .runner import Subject, check_rendered, check_state, check_state_resources, plan_section, run
from .settings import RuleSettings, load_config, resolve
from .states import StateResources, read_state

__all__ = [
    "PACK_NAME",
    "PACK_RULES",
    "PACK_VERSION",
    "RULES",
    "Context",
    "Finding",
    "PolicyConfigError",
    "PolicyError",
    "PolicyInputError",
    "Resource",
    "Rule",
    "StateResources",
    "RuleSettings",
    "Subject",
    "Violation",
    "check_rendered",
    "check_state",
    "check_state_resources",
    "document",
    "exit_code",
    "get_rule",
    "load_config",
    "plan_section",
    "resolve",
    "rule_names",
    "read_state",
    "run",
    "violations_renderable",
]
