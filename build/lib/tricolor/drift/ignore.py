"""Differences a team accepts, from an ``--ignore`` file (like ``.driftignore``).

One rule per line: a resource role glob, then optionally a field path glob, then
optionally ``# why``. ``*`` matches anything; a path rule covers the fields below it::

    # the canary dashboard annotation is set by hand
    kubernetes:apps/v1:Deployment::checkout-deployment   metadata.annotations   # dashboards
    aws:lb/targetGroup:TargetGroup::*                     healthCheck.interval

Ignored differences are reported as ``ignored``, never hidden.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

from .errors import IgnoreFileError


@dataclass(frozen=True)
class IgnoreRule:
    resource: str
    path: str = "*"
    why: str = ""
    where: str = ""

    def matches(self, resource: str, path: str) -> bool:
        if not fnmatchcase(resource, self.resource):
            return False
        return self.path in ("*", "") or fnmatchcase(path, self.path) or path.startswith(self.path + ".")


@dataclass(frozen=True)
class IgnoreRules:
    rules: tuple[IgnoreRule, ...] = ()

    def reason(self, resource: str, path: str) -> str | None:
        for rule in self.rules:
            if rule.matches(resource, path):
                return f"ignored by {rule.where}" + (f": {rule.why}" if rule.why else "")
        return None

    @classmethod
    def parse(cls, text: str, file: str = "<ignore>") -> IgnoreRules:
        rules: list[IgnoreRule] = []
        problems: list[str] = []
        for number, line in enumerate(text.splitlines(), start=1):
            body, _, why = line.partition("#")
            fields = body.split()
            if not fields:
                continue
            if len(fields) > 2:
                problems.append(f"{file}:{number}: expected 'RESOURCE [PATH] [# reason]', got {line.strip()!r}")
                continue
            rules.append(IgnoreRule(fields[0], fields[1] if len(fields) == 2 else "*", why.strip(),
                                    f"{file}:{number}"))
        if problems:
            raise IgnoreFileError("; ".join(problems))
        return cls(tuple(rules))

    @classmethod
    def load(cls, path: Path | str) -> IgnoreRules:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise IgnoreFileError(f"ignore file {path}: cannot be read ({exc})") from None
        return cls.parse(text, str(path))

    @classmethod
    def of(cls, patterns: Sequence[str]) -> IgnoreRules:
        return cls.parse("\n".join(patterns), "<patterns>")
