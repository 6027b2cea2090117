"""Kubernetes backend: Deployments and Services per color, a Gateway API HTTPRoute."""

from __future__ import annotations

from .drift_job import DriftJob, DriftJobArgs
from .environment import BlueGreen, Environment, Shared
from .router import TrafficRouter

__all__ = ["BlueGreen", "DriftJob", "DriftJobArgs", "Environment", "Shared", "TrafficRouter"]
