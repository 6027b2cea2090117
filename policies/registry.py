"""Every rule, by name; ``get_rule`` raises ``UnknownNameError`` (as every registry)
for an unknown name, listing the known ones. Rules are imported here, never the other
way round: a rule module knows nothing of the registry."""

from __future__ import annotations

from ..errors import UnknownNameError
from .model import Rule
from .rules_color_parity import RULE as COLOR_PARITY
from .rules_cross_stack import RULE as CROSS_STACK_PARITY
from .rules_images import RULE as IMAGES_PINNED
from .rules_isolation import RULE as IDLE_COLOR_ISOLATED
from .rules_migrations import RULE as RELEASE_MIGRATIONS
from .rules_preview import RULE as PREVIEW_LABELS
from .rules_resources import RULE as PRODUCTION_RESOURCES
from .rules_stateful import RULE as STATEFUL_SHARED
from .rules_weights import RULE as ROUTER_WEIGHTS

# The rules of the CrossGuard pack: each sees one resource or one stack.
PACK_RULES: tuple[Rule, ...] = (
    IMAGES_PINNED,
    COLOR_PARITY,
    PRODUCTION_RESOURCES,
    ROUTER_WEIGHTS,
    PREVIEW_LABELS,
    STATEFUL_SHARED,
    IDLE_COLOR_ISOLATED,
)
# Every rule: the pack's, plus those that need the rendered stacks and their spec
# (offline runner only).
RULES: tuple[Rule, ...] = (*PACK_RULES, CROSS_STACK_PARITY, RELEASE_MIGRATIONS)


def rule_names() -> list[str]:
    return [rule.name for rule in RULES]


def get_rule(name: str) -> Rule:
    """The rule called ``name``; an unknown name lists the known ones."""
    for rule in RULES:
        if rule.name == name:
            return rule
    raise UnknownNameError("policy rule", name, rule_names())
