"""Fargate task sizes: the CPU/memory pairs AWS offers, and the spec's resources mapped
onto them. Pure functions, no Pulumi.

Fargate (Linux) offers these task sizes (CPU units, 1024 = 1 vCPU; memory in MiB):

==========  =========================================
CPU         memory
==========  =========================================
256         512, 1024, 2048
512         1024 .. 4096 in steps of 1024
1024        2048 .. 8192 in steps of 1024
2048        4096 .. 16384 in steps of 1024
4096        8192 .. 30720 in steps of 1024
8192        16384 .. 61440 in steps of 4096
16384       32768 .. 122880 in steps of 8192
==========  =========================================
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ..errors import BackendLimitError

FARGATE_SIZES: dict[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: tuple(range(1024, 4096 + 1, 1024)),
    1024: tuple(range(2048, 8192 + 1, 1024)),
    2048: tuple(range(4096, 16384 + 1, 1024)),
    4096: tuple(range(8192, 30720 + 1, 1024)),
    8192: tuple(range(16384, 61440 + 1, 4096)),
    16384: tuple(range(32768, 122880 + 1, 8192)),
}
MAX_CPU = max(FARGATE_SIZES)
MAX_MEMORY = max(FARGATE_SIZES[MAX_CPU])

_QUANTITY = re.compile(r"^([0-9]+(?:\.[0-9]+)?)(m|k|Ki|Mi|Gi|Ti|M|G|T)?$")
_BYTES = {
    None: 1, "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12,
    "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40,
}


@dataclass(frozen=True)
class TaskSize:
    cpu: int  # CPU units (1024 = 1 vCPU)
    memory: int  # MiB

    def __str__(self) -> str:
        return f"{self.cpu} CPU units / {self.memory} MiB"


def _parse(quantity: str, field: str) -> tuple[float, str | None]:
    match = _QUANTITY.match(str(quantity))
    if not match:
        raise BackendLimitError(f"{field}: {quantity!r} is not a quantity such as 250m, 1, 512Mi")
    return float(match.group(1)), match.group(2)


def cpu_units(quantity: str, field: str = "resources.limits.cpu") -> int:
    """A Kubernetes CPU quantity (``250m``, ``0.5``, ``2``) as ECS CPU units, rounded up."""
    number, unit = _parse(quantity, field)
    if unit not in (None, "m"):
        raise BackendLimitError(f"{field}: {quantity!r} is not a CPU quantity such as 250m or 1")
    cores = number / 1000 if unit == "m" else number
    return math.ceil(cores * 1024)


def memory_mib(quantity: str, field: str = "resources.limits.memory") -> int:
    """A Kubernetes memory quantity (``512Mi``, ``1Gi``, ``500M``) in MiB, rounded up."""
    number, unit = _parse(quantity, field)
    if unit == "m":
        raise BackendLimitError(f"{field}: {quantity!r} is not a memory quantity such as 512Mi")
    return math.ceil(number * _BYTES[unit] / 2**20)


def memory_choices(cpu: int) -> str:
    sizes = FARGATE_SIZES[cpu]
    if len(sizes) <= 3:
        return ", ".join(map(str, sizes))
    return f"{sizes[0]} to {sizes[-1]} in steps of {sizes[1] - sizes[0]}"


def check_size(cpu: int, memory: int, field: str = "tricolor:aws") -> TaskSize:
    """``cpu``/``memory`` exactly as given, or ``BackendLimitError`` naming the value and
    what Fargate offers instead."""
    if cpu not in FARGATE_SIZES:
        raise BackendLimitError(
            f"{field}.cpu: {cpu} is not a Fargate CPU size; Fargate offers "
            f"{', '.join(map(str, FARGATE_SIZES))} CPU units")
    if memory not in FARGATE_SIZES[cpu]:
        raise BackendLimitError(
            f"{field}.memory: {memory} MiB is not offered with {cpu} CPU units; Fargate offers "
            f"{memory_choices(cpu)} MiB for {cpu} CPU units")
    return TaskSize(cpu, memory)


def fit(cpu: int, memory: int, field: str = "resources.limits") -> TaskSize:
    """The smallest Fargate size with at least ``cpu`` units and ``memory`` MiB.

    Raise ``BackendLimitError`` when even the largest task (16 vCPU, 120 GiB) is too small.
    """
    if cpu > MAX_CPU:
        raise BackendLimitError(f"{field}.cpu: {cpu} CPU units is above Fargate's limit of {MAX_CPU} (16 vCPU)")
    if memory > MAX_MEMORY:
        raise BackendLimitError(f"{field}.memory: {memory} MiB is above Fargate's limit of {MAX_MEMORY} MiB")
    for size_cpu, memories in FARGATE_SIZES.items():
        if size_cpu < cpu:
            continue
        for size_memory in memories:
            if size_memory >= memory:
                return TaskSize(size_cpu, size_memory)
    raise AssertionError("unreachable: the largest size holds every value below the limits")


def task_size(limits_cpu: str, limits_memory: str, cpu: int | None = None, memory: int | None = None,
              field: str = "tricolor:aws") -> TaskSize:
    """The task size of an environment: an explicit ``cpu``/``memory`` pair from the stack
    config (checked exactly), else the spec's limits rounded up to the nearest Fargate size."""
    if cpu is not None or memory is not None:
        if cpu is None or memory is None:
            raise BackendLimitError(f"{field}: give both cpu and memory, or neither (got cpu={cpu}, memory={memory})")
        return check_size(cpu, memory, field)
    return fit(cpu_units(limits_cpu), memory_mib(limits_memory))
