"""The offline runner: the pack's rules over rendered stacks or a state file, no Pulumi CLI.

``check_rendered`` runs every rule over what ``tricolor plan`` renders (and the
cross-stack parity rule over the rendered stacks together); ``check_state`` runs the
single-stack rules over a ``pulumi stack export`` or checkpoint file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import RenderableType

from .model import Context, Finding, Resource, Violation, plain
from .report import violations_renderable
from .settings import RuleSettings, resolve
from .states import StateResources, read_state

if TYPE_CHECKING:
    from ..stacks.render import Rendered, RenderedResource

Config = Mapping[str, Any] | dict[str, RuleSettings] | None


@dataclass(frozen=True)
class Subject:
    """The resources of one stack, with what is known of it."""

    stack: str
    environment: str | None
    resources: tuple[Resource, ...]
    source: str = "rendered"


def resource_from_rendered(item: RenderedResource) -> Resource:
    return Resource(
        type=item.type, name=item.name, urn=item.urn, props=plain(item.inputs), parent=item.parent
    )


def subject_from_rendered(rendered: Rendered) -> Subject:
    return Subject(
        stack=rendered.stack.name,
        environment=rendered.stack.environment,
        resources=tuple(resource_from_rendered(r) for r in rendered.resources),
        source="rendered",
    )


def settings_of(config: Config) -> dict[str, RuleSettings]:
    if config and all(isinstance(v, RuleSettings) for v in config.values()):
        return dict(config)
    return resolve(config)


def _violations(findings: Iterable[Finding], setting: RuleSettings, stack: str | None) -> list[Violation]:
    return [
        Violation(
            policy=setting.rule.name,
            resource=f.urn or f"stack:{stack}",
            message=f.message,
            enforcement=setting.enforcement,
            stack=stack,
            description=setting.rule.description,
        )
        for f in findings
    ]


def run(
    subjects: Sequence[Subject], config: Config = None, rendered: Sequence[Rendered] | None = None
) -> list[Violation]:
    """Every violation of the enabled rules: per resource, per stack, and (with
    ``rendered``) across stacks."""
    settings = settings_of(config)
    out: list[Violation] = []
    for subject in subjects:
        context = Context(stack=subject.stack, environment=subject.environment)
        for setting in settings.values():
            if not setting.enabled:
                continue
            rule = setting.rule
            if rule.kind == "resource":
                for resource in subject.resources:
                    out.extend(
                        _violations(rule.check(resource, setting.options, context), setting, subject.stack)
                    )
            elif rule.kind == "stack":
                out.extend(
                    _violations(
                        rule.check(subject.resources, setting.options, context), setting, subject.stack
                    )
                )
    if rendered:
        names = "+".join(r.stack.name for r in rendered)
        for setting in settings.values():
            if setting.enabled and setting.rule.kind == "stacks":
                findings = setting.rule.check(rendered, setting.options, Context())
                out.extend(_violations(findings, setting, names))
    return out


def check_rendered(rendered_list: Sequence[Rendered], config: Config = None) -> list[Violation]:
    """Every violation in the rendered stacks (what ``tricolor plan`` shows)."""
    return run([subject_from_rendered(r) for r in rendered_list], config, rendered=rendered_list)


def check_state(path: Path, config: Config = None, environment: str | None = None) -> list[Violation]:
    """Every violation in a ``pulumi stack export`` or checkpoint file; ``environment``
    tells the rules which environment the stack is when its resources carry no label."""
    settings = settings_of(config)  # a bad configuration fails before the file is read
    return check_state_resources(read_state(path), settings, environment)


def check_state_resources(state: StateResources, config: Config = None,
                          environment: str | None = None) -> list[Violation]:
    """Every violation among the resources of a state already read (``read_state``)."""
    subject = Subject(stack=state.stack, environment=environment, resources=state.resources, source=state.source)
    return run([subject], config)


def plan_section(rendered_list: Sequence[Rendered], config: Config = None) -> RenderableType:
    """The policy section ``tricolor plan`` prints: every rule over the rendered stacks."""
    violations = check_rendered(rendered_list, config)
    return violations_renderable(violations, [r.stack.name for r in rendered_list])
