"""The registry of drift sources: name -> implementation, built from one ``SourceContext``.

Unknown names raise ``UnknownNameError`` listing the known ones; there is no default.
"""

from __future__ import annotations

from collections.abc import Callable

from ..errors import UnknownNameError
from .aws_live import AwsSource
from .kubernetes_live import KubernetesSource
from .pulumi_state import PulumiStateSource
from .source import Source, SourceContext

__all__ = ["SOURCES", "get_source"]

SOURCES: dict[str, Callable[[SourceContext], Source]] = {
    "state": PulumiStateSource.from_context,
    "kubernetes": KubernetesSource.from_context,
    "aws": AwsSource.from_context,
}


def get_source(name: str, context: SourceContext | None = None) -> Source:
    """The source called ``name``, built from ``context``."""
    if name not in SOURCES:
        raise UnknownNameError("drift source", name, SOURCES)
    return SOURCES[name](context or SourceContext())
