"""Router weight limits, one table for every backend (components build within them,
policies check them).

- tricolor weights: integer percentages 0..100 per color, adding up to 100.
- Kubernetes Gateway API ``HTTPRoute``: ``backendRefs[].weight`` 0..1,000,000, at most
  16 backendRefs per rule (the HTTPRoute CRD's openAPIV3Schema, v1.6.1).
- AWS ALB forward action: weights 0..999, at most 5 target groups, at least one weight
  above 0 (AWS documentation, "Listeners for your Application Load Balancers").
- nginx ``upstream``: ``server ... weight=N`` with N at least 1; a color at 0 is left
  out of the block (nginx has no weight 0).
- AWS Lambda alias ``routingConfig.additionalVersionWeights``: one additional version,
  its weight a fraction 0.0..1.0 (the primary version takes the rest).
"""

from __future__ import annotations

from dataclasses import dataclass

TOTAL = 100  # tricolor weights are percentages


@dataclass(frozen=True)
class Limits:
    """What one kind of router accepts."""

    what: str
    max_weight: float
    max_backends: int
    min_weight: float = 0


GATEWAY = Limits("Gateway API HTTPRoute", 1_000_000, 16)
ALB = Limits("AWS ALB forward action", 999, 5)
NGINX = Limits("nginx upstream", 1_000_000, 1_000_000, min_weight=1)
LAMBDA = Limits("AWS Lambda alias", 1.0, 2)

BY_BACKEND: dict[str, Limits] = {"kubernetes": GATEWAY, "aws": ALB, "docker": NGINX, "lambda": LAMBDA}
