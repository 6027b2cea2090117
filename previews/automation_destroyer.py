"""``AutomationDestroyer``: destroy a preview through Pulumi's Automation API.

Thin on purpose: select the stack by its fully qualified name (``StackRef.qualified``:
``organization/<project>/<stack>``, or the bare name in an unscoped backend), then
``destroy(remove=True)``. A stack of another project than the one it was built for is
refused before Pulumi is asked anything. Without the Pulumi CLI it raises
``PulumiUnavailable`` before acting.
"""

from __future__ import annotations

from typing import Any

from .automation import Workspace, command_failure, require_pulumi
from .destroy import DestroyerContext, StackRef
from .errors import DestroyError

__all__ = ["AutomationDestroyer"]


class AutomationDestroyer:
    """Destroys a stack's resources and removes the stack."""

    def __init__(self, context: DestroyerContext) -> None:
        self.project = context.project
        self.workspace = Workspace(backend_url=context.backend_url, on_output=context.on_output)
        if context.work_dir is not None:
            self.workspace.work_dir = context.work_dir
        self._command: Any = None

    def destroy(self, stack: StackRef) -> None:
        from pulumi import automation as auto

        if stack.project is not None and stack.project != self.project:
            raise DestroyError(f"{stack.qualified}: not a stack of project {self.project!r}; refused")
        if self._command is None:
            self._command = require_pulumi()
        opts = self.workspace.options(self._command)
        try:
            selected = auto.select_stack(stack.qualified, work_dir=str(self.workspace.work_dir), opts=opts)
            selected.destroy(remove=True, on_output=self.workspace.on_output, color="never")
        except auto.StackNotFoundError:
            return  # already gone: destroying twice is a no-op
        except auto.CommandError as exc:
            raise DestroyError(f"pulumi destroy of {stack.qualified} failed: {command_failure(exc)}") from None
