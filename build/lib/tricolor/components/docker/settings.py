"""The ``tricolor:docker`` stack settings, validated (pydantic), and the names of a
local stack's network and containers. Pure: no Pulumi resources here.

::

    tricolor:docker:
      routerPort: 8080          # the router on http://127.0.0.1:8080
      bindAddress: 127.0.0.1
      nginxImage: nginx:1.27-alpine
"""

from __future__ import annotations

import ipaddress
import math
import re
from typing import Annotated

from pydantic import AfterValidator, Field, StrictInt, field_validator

from ...spec import Color, Stack, dns_label
from ...spec.load import validate_model
from ...spec.model import ImageRef
from ...spec.naming import dns_label_problem
from ...spec.release import Strict
from ...spec.stack import NAMESPACE
from ..errors import BackendLimitError

KEY = f"config.{NAMESPACE}:docker"
_QUANTITY = re.compile(r"^([0-9]+(?:\.[0-9]+)?)(m|k|Ki|Mi|Gi|Ti|M|G|T)?$")
_BYTES = {None: 1, "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12,
          "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40}


def _label(value: str) -> str:
    problem = dns_label_problem(value)
    if problem:
        raise ValueError(problem)
    return value


class DockerSettings(Strict):
    router_port: StrictInt = Field(8080, alias="routerPort", ge=1, le=65535)
    bind_address: str = Field("127.0.0.1", alias="bindAddress")
    nginx_image: ImageRef = Field("nginx:1.27-alpine", alias="nginxImage")
    network: Annotated[str, AfterValidator(_label)] | None = None
    limits: bool = True

    @field_validator("bind_address")
    @classmethod
    def _address(cls, value: str) -> str:
        try:
            ipaddress.ip_address(value)
        except ValueError:
            raise ValueError(f"{value!r} is not an IP address such as 127.0.0.1") from None
        return value



def settings_of(stack: Stack) -> DockerSettings:
    """``tricolor:docker`` validated; ``SpecError`` names each bad key."""
    return validate_model(DockerSettings, stack.config.docker, f"Pulumi.{stack.name}.yaml", prefix=KEY)


def network_name(stack: Stack, settings: DockerSettings) -> str:
    """One network per stack: staging and production are separate sets."""
    return settings.network or dns_label("tricolor", stack.spec.name, stack.name)


def alias(stack: Stack, color: Color | None) -> str:
    """The name other containers reach an environment by (``checkout-blue``)."""
    return dns_label(stack.spec.name, color or "")


def container_name(stack: Stack, role: str) -> str:
    """Unique on the host: ``checkout-local-blue``, ``checkout-local-router``."""
    return dns_label(stack.spec.name, stack.name, role)


def memory_mb(quantity: str) -> int:
    match = _QUANTITY.match(quantity)
    if not match or match.group(2) == "m":
        raise BackendLimitError(f"resources.limits.memory: {quantity!r} is not a memory quantity such as 512Mi")
    return max(6, math.ceil(float(match.group(1)) * _BYTES[match.group(2)] / 2**20))  # Docker's minimum is 6 MB


def cpus(quantity: str) -> str:
    match = _QUANTITY.match(quantity)
    if not match or match.group(2) not in (None, "m"):
        raise BackendLimitError(f"resources.limits.cpu: {quantity!r} is not a CPU quantity such as 250m or 1")
    cores = float(match.group(1)) / (1000 if match.group(2) == "m" else 1)
    return f"{cores:g}"
