"""What each strategy costs a production stack in running replicas, vCPU and memory.

Pure: from the stack's effective spec. A color (or the one rolling environment) runs
``N`` replicas (the spec's ``replicas``, at least ``autoscaling.minReplicas``), each
reserving its ``resources.requests``:

==============  ========================  ========================  ====================
strategy        during a release          rollback window           at rest
==============  ========================  ========================  ====================
rolling         N + maxSurge (the update  N (the previous version   N
                adds new pods first)      is replaced: rollback
                                          re-applies its image)
blueGreen       2 N (both colors run)     2 N (the old color stays  N with scaleDownIdle,
                                          warm)                     else 2 N
==============  ========================  ========================  ====================

How a backend updates in place changes the rolling peak: Kubernetes and ECS add
``maxSurge`` replicas; Docker recreates its container (no surge, a short gap); Lambda
moves its alias at once, the new version's provisioned concurrency ready before the
old one's is released (``N`` more, briefly). On Lambda a replica is a provisioned
concurrent execution.

Worked example (the example spec on ``prod``: 4 replicas of 250m / 256Mi): rolling
peaks at 5 replicas (1.25 vCPU, 1.25 GiB) while it updates and rests at 4 (1 vCPU,
1 GiB); blue-green runs 8 (2 vCPU, 2 GiB) through the release and the rollback window,
then 4. Autoscaling above the minimum and the stateful dependencies (shared by both
colors) are the same for every strategy, so they are left out.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..components.quantities import cores, memory_mib
from ..spec.model import ServiceSpec
from ..spec.strategies import STRATEGIES, surge_of

__all__ = ["Footprint", "StrategyCost", "rolling_surge", "running_replicas", "strategy_costs"]


@dataclass(frozen=True)
class Footprint:
    replicas: int
    vcpu: float
    memory_mib: int

    def __str__(self) -> str:
        memory = f"{self.memory_mib / 1024:.3g} GiB" if self.memory_mib >= 1024 else f"{self.memory_mib} MiB"
        return f"{self.replicas} replica{'' if self.replicas == 1 else 's'}, {self.vcpu:.3g} vCPU, {memory}"

    def as_dict(self) -> dict[str, float | int]:
        return {"replicas": self.replicas, "vcpu": round(self.vcpu, 3), "memory_mib": self.memory_mib}


@dataclass(frozen=True)
class StrategyCost:
    strategy: str
    during: Footprint  # while a release runs
    window: Footprint  # during the rollback window
    at_rest: Footprint  # between releases

    def as_dict(self) -> dict[str, object]:
        return {"strategy": self.strategy, "during_release": self.during.as_dict(),
                "rollback_window": self.window.as_dict(), "at_rest": self.at_rest.as_dict()}


def running_replicas(spec: ServiceSpec) -> int:
    """Replicas one color (or the rolling environment) runs."""
    return max(spec.replicas, spec.autoscaling.min_replicas if spec.autoscaling else 0)


def rolling_surge(spec: ServiceSpec, backend: str) -> int:
    """Replicas a rolling update adds while it runs, on ``backend``."""
    n = running_replicas(spec)
    if backend == "docker":
        return 0  # recreate
    if backend == "lambda":
        return n  # the new version's provisioned concurrency, before the old one's goes
    return surge_of(spec.release.rolling_update.max_surge, n, round_up=True)


def strategy_costs(spec: ServiceSpec, backend: str = "kubernetes") -> list[StrategyCost]:
    """The footprint of each strategy (rolling, then blueGreen) for ``spec`` on ``backend``."""
    n = running_replicas(spec)
    cpu, memory = cores(spec.resources.requests.cpu, "resources.requests.cpu"), memory_mib(
        spec.resources.requests.memory, "resources.requests.memory")

    def of(replicas: int) -> Footprint:
        return Footprint(replicas, replicas * cpu, replicas * memory)

    release = spec.release
    surge = rolling_surge(spec, backend)
    costs = {
        "rolling": StrategyCost("rolling", of(n + surge), of(n), of(n)),
        "blueGreen": StrategyCost("blueGreen", of(2 * n), of(2 * n), of(n if release.scale_down_idle else 2 * n)),
    }
    return [costs[name] for name in sorted(STRATEGIES, key=lambda s: s != "rolling")]
