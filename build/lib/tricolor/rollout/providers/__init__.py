"""Metrics providers: the protocol (``base``), one module per provider, the registry
apart (``providers.registry.get_provider``)."""

from __future__ import annotations

from .base import Measurement, MetricsProvider, ProviderContext, Window, render_query, version_of

__all__ = ["Measurement", "MetricsProvider", "ProviderContext", "Window", "render_query", "version_of"]
