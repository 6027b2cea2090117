"""The state-source protocol and the one context every source is built from.

A source reads one stack and returns its snapshots: one environment, or one per color
for a production stack. Implementations (one module each, importing this module and
never the registry): ``pulumi_state`` (Pulumi state from a self-managed backend or a
``pulumi stack export``), ``kubernetes_live`` (live objects), ``aws_live`` (live ECS
and load balancer resources). The registry is ``sources``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from .model import Snapshot

__all__ = ["Source", "SourceContext"]


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


@dataclass(frozen=True)
class SourceContext:
    """Everything a source may be built from (each source reads the fields it needs).

    - state: ``backend_url``, ``project``, ``exports`` (stack -> file, ``-`` = stdin), ``stdin``;
    - kubernetes: ``namespaces`` (stack -> namespace), ``client_factory``;
    - aws: ``region``, ``endpoint_url``, ``profile``.
    """

    backend_url: str | None = None
    project: str = "tricolor"
    exports: Mapping[str, str] = field(default_factory=dict)
    stdin: Callable[[], bytes] | None = None
    namespaces: Mapping[str, str] = field(default_factory=dict)
    client_factory: Callable[[], Any] | None = None
    region: str | None = None
    endpoint_url: str | None = None
    profile: str | None = None
