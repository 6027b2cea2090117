"""Naming rules shared by every package.

- Pulumi stack names: at most 100 characters of ``[A-Za-z0-9_.-]``.
- Kubernetes names (namespaces, services, ...): DNS-1123 labels,
  ``[a-z0-9]([-a-z0-9]*[a-z0-9])?``, at most 63 characters.
"""

from __future__ import annotations

import hashlib
import re

STACK_NAME_MAX = 100
DNS_LABEL_MAX = 63
_STACK_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")


def stack_name_problem(name: str) -> str | None:
    """Why ``name`` is not a valid Pulumi stack name, or ``None`` when it is."""
    if not name:
        return "a stack name must not be empty"
    if len(name) > STACK_NAME_MAX:
        return f"stack name {name!r} is {len(name)} characters; the limit is {STACK_NAME_MAX}"
    if not _STACK_NAME.match(name):
        return f"stack name {name!r} may only hold letters, digits, '_', '.' and '-'"
    return None


def dns_label_problem(name: str) -> str | None:
    """Why ``name`` is not a DNS-1123 label of at most 63 characters, or ``None``."""
    if len(name) > DNS_LABEL_MAX:
        return f"{name!r} is {len(name)} characters; a DNS-1123 label has at most {DNS_LABEL_MAX}"
    if not _DNS_LABEL.match(name):
        return (
            f"{name!r} is not a DNS-1123 label: lower-case letters, digits and '-', "
            "starting and ending with a letter or digit"
        )
    return None


def is_dns_label(name: str) -> bool:
    return dns_label_problem(name) is None


def short_hash(*parts: str, length: int = 6) -> str:
    """A stable lower-case hex digest of ``parts`` (used to keep truncated names unique)."""
    digest = hashlib.sha256("\x00".join(parts).encode()).hexdigest()
    return digest[:length]


def dns_label(*parts: str, max_length: int = DNS_LABEL_MAX) -> str:
    """Join ``parts`` with '-' into a valid DNS-1123 label.

    Characters outside ``[a-z0-9-]`` become '-'. A name that must be cut keeps a hash
    of the whole so that two long names never collide after truncation.
    """
    raw = "-".join(p for p in parts if p)
    cleaned = re.sub(r"[^a-z0-9-]+", "-", raw.lower())
    cleaned = re.sub(r"-{2,}", "-", cleaned).strip("-") or "x"
    if len(cleaned) <= max_length:
        return cleaned
    suffix = short_hash(raw)
    head = cleaned[: max_length - len(suffix) - 1].rstrip("-")
    return f"{head}-{suffix}"
