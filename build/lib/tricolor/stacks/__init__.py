"""The Pulumi program (``__main__.py``), its stack configs, and its offline renderer."""

from __future__ import annotations

from .config import read_stack_config, resolve, stack_names
from .render import Rendered, RenderedResource, StackInput, load_stacks, render, render_stack
from .state import ReleaseState

__all__ = [
    "ReleaseState",
    "Rendered",
    "RenderedResource",
    "StackInput",
    "load_stacks",
    "read_stack_config",
    "render",
    "render_stack",
    "resolve",
    "stack_names",
]
