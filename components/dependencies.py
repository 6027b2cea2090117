"""The one table of shared dependencies: what each official image needs, and how a
dependency's ``env`` attributes become environment variables. Every backend reads it;
none writes its own. Pure data and functions, no Pulumi.

What the official images document (Docker Hub pages of ``postgres``, ``mysql``,
``redis``, as of their current major versions):

========  ====  ==========================  ====================================================
image     port  data directory              environment
========  ====  ==========================  ====================================================
postgres  5432  /var/lib/postgresql/data    ``POSTGRES_PASSWORD`` required (the image refuses to
                                            start without it); ``POSTGRES_USER`` (default
                                            ``postgres``), ``POSTGRES_DB`` (default the user);
                                            ``PGDATA`` a subdirectory when the data directory is
                                            a mount point (a volume's ``lost+found``)
mysql     3306  /var/lib/mysql              ``MYSQL_ROOT_PASSWORD`` required (or an explicit
                                            empty/random one); ``MYSQL_DATABASE``; ``MYSQL_USER``
                                            with ``MYSQL_PASSWORD`` (never ``root``); the data
                                            directory must start empty (mounted one level down)
redis     6379  /data                       no variables; ``--requirepass`` sets a password,
                                            ``REDISCLI_AUTH`` lets ``redis-cli`` use it;
                                            ``--appendonly yes`` persists every write
========  ====  ==========================  ====================================================

Readiness: ``pg_isready`` and ``mysqladmin ping`` against 127.0.0.1 (both images run a
socket-only server while they initialise, so TCP answers only once the real server is
up); ``redis-cli ping``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pulumi

from ..spec.model import Dependency
from .errors import ComponentError

#: a value that must reach the environment as a secret: the spec secret holding it
SecretRef = str


@dataclass(frozen=True)
class Engine:
    """One official image: where it listens, keeps its data and how it says it is ready."""

    kind: str
    image: str
    port: int
    scheme: str
    data_dir: str
    # The volume is mounted at ``data_dir``; the image's files go one level down (a fresh
    # volume is not empty: it holds ``lost+found``).
    subdirectory: str | None
    default_user: str | None
    ready: Callable[[str | None, str | None], list[str]]

    def image_ref(self, version: str | None) -> str:
        return self.image + (f":{version}" if version else "")


ENGINES: dict[str, Engine] = {
    "postgres": Engine(
        "postgres", "postgres", 5432, "postgres", "/var/lib/postgresql/data", "pgdata", "postgres",
        lambda user, db: ["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-U", user or "postgres",
                          "-d", db or user or "postgres"]),
    "mysql": Engine(
        "mysql", "mysql", 3306, "mysql", "/var/lib/mysql", "mysql", "root",
        lambda user, db: ["mysqladmin", "ping", "-h", "127.0.0.1", "-P", "3306"]),
    "redis": Engine(
        "redis", "redis", 6379, "redis", "/data", None, None,
        lambda user, db: ["redis-cli", "-h", "127.0.0.1", "-p", "6379", "ping"]),
}
#: where a volume dependency is mounted into the service's containers (``/data/<name>``)
VOLUME_ROOT = "/data"


def engine_of(dep: Dependency) -> Engine | None:
    """The image behind a dependency (an external one: its ``engine``); ``None`` for a volume."""
    kind = dep.engine if dep.kind == "external" else dep.kind
    return ENGINES.get(kind) if kind else None


def port_of(dep: Dependency) -> int | None:
    if dep.kind == "external":
        return dep.port
    engine = engine_of(dep)
    return engine.port if engine else None


def user_of(dep: Dependency, default: str | None = None) -> str | None:
    """The user the service connects as: the spec's, else ``default`` (a backend's own,
    such as RDS's master user), else the image's."""
    engine = engine_of(dep)
    return dep.user or default or (engine.default_user if engine else None)


def database_of(dep: Dependency) -> str | None:
    """The database created for the service (postgres, mysql): the spec's, else the
    dependency's name with '_' for '-'."""
    if dep.kind not in ("postgres", "mysql"):
        return dep.database
    return dep.database or dep.name.replace("-", "_")


def volume_path(dep: Dependency, root: str = VOLUME_ROOT) -> str:
    return f"{root}/{dep.name}"


@dataclass(frozen=True)
class ImageEnv:
    """What one dependency's own container needs, from the table: plain variables,
    secret variables (variable -> the spec secret holding the value) and the server's
    arguments (a password placed by the backend's ``reference``)."""

    plain: dict[str, str]
    secret: dict[str, SecretRef]
    args: list[Any]


def image_env(dep: Dependency, engine: Engine, reference: Callable[[str], Any] | None = None) -> ImageEnv:
    """The variables and arguments the official image of ``dep`` needs (see the table
    above). ``reference(variable)`` is how the backend puts a variable's value into an
    argument (Kubernetes: ``$(VARIABLE)``). Without credentials the secret part is empty:
    the backend decides whether it can run so (a laptop) or refuses (a cluster)."""
    password = dep.credentials
    user, database = user_of(dep), database_of(dep)
    plain: dict[str, str] = {}
    secret: dict[str, SecretRef] = {}
    args: list[Any] = []
    if engine.kind == "postgres":
        plain = {"POSTGRES_USER": user or "postgres", "POSTGRES_DB": database or "postgres",
                 "PGDATA": f"{engine.data_dir}/{engine.subdirectory}"}
        if password:
            secret = {"POSTGRES_PASSWORD": password}
    elif engine.kind == "mysql":
        plain = {"MYSQL_DATABASE": database or dep.name.replace("-", "_")}
        if password:
            secret = {"MYSQL_ROOT_PASSWORD": password}
        if dep.user and password:
            plain["MYSQL_USER"] = dep.user
            secret["MYSQL_PASSWORD"] = password
    else:
        args = ["--appendonly", "yes"]
        if password:
            secret = {"REDIS_PASSWORD": password, "REDISCLI_AUTH": password}
            args += ["--requirepass", reference("REDIS_PASSWORD") if reference else password]
    return ImageEnv(plain=plain, secret=secret, args=args)


@dataclass(frozen=True)
class Endpoint:
    """Where a dependency is reached from the service: ``host`` may be a Pulumi
    ``Output`` (an RDS address); ``password`` names the spec secret holding the password,
    or a backend's own secret reference (an ARN)."""

    host: Any = ""
    port: int | None = None
    path: str = ""
    user: str | None = None
    database: str | None = None
    password: SecretRef | None = None


def endpoint(dep: Dependency, host: Any, *, path_root: str = VOLUME_ROOT, user: str | None = None,
             password: SecretRef | None = None) -> Endpoint:
    """The endpoint of ``dep`` at ``host`` (ignored for external and volume kinds) with
    the table's port, user and database; ``user``/``password`` are a backend's own
    (RDS's master user and its managed secret)."""
    if dep.kind == "volume":
        return Endpoint(path=volume_path(dep, path_root))
    if dep.kind == "external":
        return Endpoint(host=dep.host, port=dep.port, user=dep.user, database=dep.database,
                        password=dep.credentials)
    sql = dep.kind in ("postgres", "mysql")
    return Endpoint(host=host, port=port_of(dep), user=user_of(dep, user) if sql else None,
                    database=database_of(dep) if sql else None, password=password or dep.credentials)


@dataclass(frozen=True)
class DependencyEnv:
    """The service's environment variables for its dependencies: plain values (may be
    ``Output``s) and secrets (variable -> reference the backend resolves)."""

    plain: dict[str, Any]
    secret: dict[str, SecretRef]


def concat(*parts: Any) -> Any:
    """Join strings; a Pulumi ``Output`` when any part is one (an RDS address)."""
    if all(isinstance(p, str) for p in parts):
        return "".join(parts)
    return pulumi.Output.concat(*parts)


def dependency_env(deps: list[Dependency], endpoints: Mapping[str, Endpoint]) -> DependencyEnv:
    """What each dependency's ``env`` asks for, from its endpoint (by dependency name).

    Raise ``ComponentError`` when ``env`` asks for a password the backend cannot give.
    """
    plain: dict[str, Any] = {}
    secret: dict[str, SecretRef] = {}
    for dep in deps:
        point = endpoints[dep.name]
        engine = engine_of(dep)
        for variable, attribute in dep.env.items():
            if attribute == "password":
                if point.password is None:
                    raise ComponentError(f"dependencies.{dep.name}.env.{variable}: password asked for, but the "
                                      f"dependency has no credentials (name the spec secret that holds it)")
                secret[variable] = point.password
            elif attribute == "url":
                scheme = engine.scheme if engine else dep.kind
                plain[variable] = concat(f"{scheme}://", point.host, f":{point.port}")
            else:
                value = {"host": point.host, "port": str(point.port or ""), "path": point.path,
                         "user": point.user or "", "database": point.database or ""}[attribute]
                plain[variable] = value
    return DependencyEnv(plain=plain, secret=secret)


__all__ = [
    "ENGINES",
    "VOLUME_ROOT",
    "DependencyEnv",
    "Endpoint",
    "Engine",
    "ImageEnv",
    "concat",
    "database_of",
    "dependency_env",
    "endpoint",
    "engine_of",
    "image_env",
    "port_of",
    "user_of",
    "volume_path",
]
