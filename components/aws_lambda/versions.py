"""A color's published Lambda version: a Pulumi resource whose inputs are the color's
image and the function's configuration, and whose output is the version number.

Why a resource of its own: a Lambda version is an immutable snapshot of the function's
code and configuration (``PublishVersion`` snapshots ``$LATEST``); the
``aws.lambda_.Function`` resource with ``publish: true`` can publish only its one image,
so it cannot say which version holds blue's image and which green's, and it would lose
the older one's number on the next update. Here each color owns a ``PublishedVersion``:

- create: put the color's environment variables (production: those of the revision the
  color runs; references to secrets, never values) and image on ``$LATEST``
  (``UpdateFunctionConfiguration``, ``UpdateFunctionCode``), wait until each update is
  done, then ``PublishVersion`` with the revision just written (so nothing that changed
  ``$LATEST`` in between is published by mistake); the output ``version`` is the number
  Lambda gave it;
- replace when the image, the configuration fingerprint or the function changes (a new
  version is published; Lambda publishes nothing new when code and configuration are
  those of the latest version, and returns that version);
- delete the old version afterwards unless an alias still uses it (Lambda refuses, and
  the version stays as history).

The two colors publish one after the other (green depends on blue) because both go
through ``$LATEST``. The function resource keeps the configuration and ignores its
image after creation: the versions own ``$LATEST``'s code.

The provider runs where ``pulumi up`` runs and uses boto3's default credentials (the
environment, a profile, an instance role) in the stack's region, as the AWS provider
does by default. Under the offline renderer nothing here is called.
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, Resource, ResourceProvider, UpdateResult

#: what a change of which forces a new version
REPLACE_ON = ("function_name", "image", "config", "region", "environment")
WAIT = {"Delay": 2, "MaxAttempts": 150}  # up to 5 minutes for an image update


def _client(region: str) -> Any:
    import boto3  # heavy, and only needed when publishing

    return boto3.client("lambda", region_name=region)


def publish(client: Any, function_name: str, image: str, description: str,
            environment: dict[str, str] | None = None) -> dict[str, Any]:
    """Put ``environment`` (when given) and ``image`` on ``$LATEST`` and publish them;
    Lambda's ``PublishVersion`` answer."""
    if environment is not None:
        client.update_function_configuration(FunctionName=function_name, Environment={"Variables": environment})
        client.get_waiter("function_updated_v2").wait(FunctionName=function_name, WaiterConfig=WAIT)
    client.update_function_code(FunctionName=function_name, ImageUri=image, Publish=False)
    client.get_waiter("function_updated_v2").wait(FunctionName=function_name, WaiterConfig=WAIT)
    current = client.get_function(FunctionName=function_name)
    code = current.get("Code", {})
    if code.get("ImageUri") not in (None, image):
        raise RuntimeError(f"{function_name}: $LATEST runs {code.get('ImageUri')!r}, not {image!r}; "
                           "something else changed the function while publishing")
    guard = {"RevisionId": current["Configuration"]["RevisionId"]} if "RevisionId" in current["Configuration"] else {}
    return dict(client.publish_version(FunctionName=function_name, Description=description, **guard))


def delete(client: Any, function_name: str, version: str) -> bool:
    """Delete one version; ``False`` when an alias still routes to it (it is kept)."""
    errors = client.exceptions
    try:
        client.delete_function(FunctionName=function_name, Qualifier=version)
    except errors.ResourceNotFoundException:
        return True
    except errors.ResourceConflictException:
        return False
    return True


class VersionProvider(ResourceProvider):
    """Publishes one color's version (see the module's docstring)."""

    serialize_as_secret_always = False

    def create(self, props: dict[str, Any]) -> CreateResult:
        answer = publish(_client(props["region"]), props["function_name"], props["image"], props["description"],
                         props.get("environment"))
        version = str(answer["Version"])
        return CreateResult(f"{props['function_name']}:{version}",
                            {**props, "version": version, "arn": answer["FunctionArn"]})

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        replaces = [key for key in REPLACE_ON if olds.get(key) != news.get(key)]
        changes = replaces or [key for key in news if olds.get(key) != news.get(key)]
        return DiffResult(changes=bool(changes), replaces=replaces, delete_before_replace=False)

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Only the description changed: the published version stays what it is."""
        return UpdateResult({**news, "version": _olds.get("version"), "arn": _olds.get("arn")})

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        if not delete(_client(props["region"]), props["function_name"], props["version"]):
            pulumi.log.info(f"{props['function_name']}:{props['version']} is still used by an alias; kept")


class PublishedVersion(Resource, module="lambda", name="Version"):
    """One color's version of the stack's function (type ``pulumi-python:dynamic/lambda:Version``)."""

    version: pulumi.Output[str]
    arn: pulumi.Output[str]

    def __init__(self, name: str, *, function_name: pulumi.Input[str], image: str, config: pulumi.Input[str],
                 region: str, description: str, environment: pulumi.Input[dict[str, Any]] | None = None,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        props: dict[str, Any] = {"function_name": function_name, "image": image, "config": config, "region": region,
                                 "description": description, "version": None, "arn": None}
        if environment is not None:
            props["environment"] = environment
        super().__init__(VersionProvider(), name, props, opts)


__all__ = ["REPLACE_ON", "PublishedVersion", "VersionProvider", "delete", "publish"]
