"""Naming rules shared by every package.

- Pulumi stack names: at most 100 characters of ``[A-Za-z0-9_.-]``.
- Kubernetes names (namespaces, services, ...): DNS-1123 labels,
  ``[a-z0-9]([-a-z0-9]*[a-z0-9])?``, at most 63 characters.
- A service's name: a DNS-1123 label of at most 40 characters. The names derived from
  it add the stack, the color and a role (``checkout-green-env-secrets``,
  ``tricolor-checkout-staging``) and must stay whole labels of 63: a longer name
  would be cut and hashed, differently per color and stack, and the environments
  could no longer be compared (as Helm keeps release names to 53 characters).
- Host names (``routing.hostnames``, ``tricolor:hostnames``): DNS names as the Gateway
  API takes them: DNS-1123 labels joined by dots, at most 253 characters, an optional
  leading ``*.`` wildcard, never an IP address.

Whole-string matches only (a trailing newline is not a name); values in messages are
cut (``shown``).
"""

from __future__ import annotations

import hashlib
import re

from .errors import shown

STACK_NAME_MAX = 100
DNS_LABEL_MAX = 63
SERVICE_NAME_MAX = 40
HOSTNAME_MAX = 253
_STACK_NAME = re.compile(r"[A-Za-z0-9_.-]+")
_DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_IPV4 = re.compile(r"[0-9]+(\.[0-9]+){3}")


def stack_name_problem(name: str) -> str | None:
    """Why ``name`` is not a valid Pulumi stack name, or ``None`` when it is."""
    if not isinstance(name, str) or not name:
        return "a stack name must not be empty"
    if len(name) > STACK_NAME_MAX:
        return f"stack name {shown(name)} is {len(name)} characters; the limit is {STACK_NAME_MAX}"
    if not _STACK_NAME.fullmatch(name):
        return f"stack name {shown(name)} may only hold letters, digits, '_', '.' and '-'"
    return None


def dns_label_problem(name: str) -> str | None:
    """Why ``name`` is not a DNS-1123 label of at most 63 characters, or ``None``."""
    if not isinstance(name, str):
        return f"{shown(name)} is not a DNS-1123 label"
    if len(name) > DNS_LABEL_MAX:
        return f"{shown(name)} is {len(name)} characters; a DNS-1123 label has at most {DNS_LABEL_MAX}"
    if not _DNS_LABEL.fullmatch(name):
        return (
            f"{shown(name)} is not a DNS-1123 label: lower-case letters, digits and '-', "
            "starting and ending with a letter or digit"
        )
    return None


def service_name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a service (see the module docstring), or ``None``."""
    problem = dns_label_problem(name)
    if problem is None and len(name) > SERVICE_NAME_MAX:
        return (f"{shown(name)} is {len(name)} characters; a service name has at most {SERVICE_NAME_MAX}: the "
                f"names made from it add the stack, the color and a role ({name[:12]}...-green-env-secrets) "
                f"and must fit a {DNS_LABEL_MAX}-character DNS label")
    return problem


def hostname_problem(host: str) -> str | None:
    """Why ``host`` is not a DNS host name (``*.`` allowed in front), or ``None``."""
    if not isinstance(host, str) or not host:
        return f"{shown(host)} is not a host name"
    if len(host) > HOSTNAME_MAX:
        return f"{shown(host)} is {len(host)} characters; a host name has at most {HOSTNAME_MAX}"
    body = host[2:] if host.startswith("*.") else host
    if _IPV4.fullmatch(body):
        return f"{shown(host)} is an IP address; routes match host names"
    labels = body.split(".")
    if any(len(label) > DNS_LABEL_MAX or not _DNS_LABEL.fullmatch(label) for label in labels):
        return (f"{shown(host)} is not a DNS host name: lower-case labels of letters, digits and '-' "
                "joined by dots (checkout.example.com); a leading '*.' is allowed")
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
