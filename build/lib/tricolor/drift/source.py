"""The state-source protocol and its factory.

A source reads one stack and returns its snapshots: one environment, or one per color
for a production stack. Implementations: ``state`` (Pulumi state from a self-managed
backend or a ``pulumi stack export``), ``kubernetes`` (live objects), ``aws`` (live ECS
and load balancer resources).
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from .errors import UnknownSourceError
from .model import Snapshot

SOURCES = ("state", "kubernetes", "aws")


@runtime_checkable
class Source(Protocol):
    """Reads the snapshots of one stack."""

    name: str

    def describe(self, stack: str) -> str:
        """Where ``stack`` is read from (for progress and reports; never a secret)."""
        ...

    def snapshots(self, stack: str) -> list[Snapshot]:
        """The environments of ``stack``; raise ``SourceError`` naming the stack."""
        ...


def get_source(name: str, **options: Any) -> Source:
    """The source called ``name`` built with ``options``; unknown names are an error."""
    if name == "state":
        from .pulumi_state import PulumiStateSource

        return PulumiStateSource(**options)
    if name == "kubernetes":
        from .kubernetes_live import KubernetesSource

        return KubernetesSource(**options)
    if name == "aws":
        from .aws_live import AwsSource

        return AwsSource(**options)
    raise UnknownSourceError(name, SOURCES)
