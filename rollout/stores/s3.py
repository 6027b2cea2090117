"""The ledger in S3 (for teams): ``s3://bucket/prefix`` -> ``prefix/<stack>.json``.

Compare-and-swap with S3 conditional writes: ``If-None-Match: *`` to create,
``If-Match: <etag>`` to update; a ``412 PreconditionFailed`` (or ``409`` for a
concurrent conditional write) is a ``ConflictError``. boto3 is imported when a store
is built, so commands that never touch S3 start fast.
"""

from __future__ import annotations

from typing import Any

from ..errors import ConflictError, LedgerError
from .base import StoreContext, check_key, check_stack

__all__ = ["S3Store"]

_CONFLICT = ("PreconditionFailed", "412", "ConditionalRequestConflict", "409")
_ABSENT = ("NoSuchKey", "404", "NotFound")


def _code(exc: Exception) -> str | None:
    """The error code of a botocore ``ClientError``."""
    response = getattr(exc, "response", None) or {}
    return response.get("Error", {}).get("Code")


class S3Store:
    def __init__(self, context: StoreContext) -> None:
        url = context.url
        bucket, _, prefix = url.removeprefix("s3://").partition("/")
        if not bucket:
            raise LedgerError(f"{url!r}: an S3 ledger URL is s3://bucket[/prefix]")
        self.url, self.bucket, self.prefix = url, bucket, prefix.strip("/")
        client = context.client
        if client is None:
            import boto3

            client = boto3.client("s3")
        self.client = client

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def key(self, stack: str) -> str:
        return self._key(f"{check_stack(stack)}.json")

    def where(self, stack: str) -> str:
        return f"s3://{self.bucket}/{self.key(stack)}"

    def _errors(self) -> tuple[type[Exception], type[Exception]]:
        from botocore.exceptions import BotoCoreError, ClientError

        return BotoCoreError, ClientError

    def _get(self, key: str, where: str) -> tuple[bytes, str] | None:
        boto_error, client_error = self._errors()
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=key)
            return response["Body"].read(), str(response["ETag"])
        except client_error as exc:
            if _code(exc) in _ABSENT:
                return None
            raise LedgerError(f"{where}: cannot read the ledger: {exc}") from None
        except boto_error as exc:
            raise LedgerError(f"{where}: cannot read the ledger: {exc}") from None

    def read(self, stack: str) -> tuple[bytes, str] | None:
        return self._get(self.key(stack), self.where(stack))

    def write(self, stack: str, data: bytes, expected: str | None) -> str:
        boto_error, client_error = self._errors()
        condition = {"IfNoneMatch": "*"} if expected is None else {"IfMatch": expected}
        try:
            response = self.client.put_object(Bucket=self.bucket, Key=self.key(stack), Body=data,
                                              ContentType="application/json", **condition)
        except client_error as exc:
            if _code(exc) in _CONFLICT:
                raise ConflictError(f"{self.where(stack)}: changed by another writer; read it again") from None
            raise LedgerError(f"{self.where(stack)}: cannot write the ledger: {exc}") from None
        except boto_error as exc:
            raise LedgerError(f"{self.where(stack)}: cannot write the ledger: {exc}") from None
        return str(response["ETag"])

    def put(self, key: str, data: bytes) -> None:
        boto_error, client_error = self._errors()
        full = self._key(check_key(key))
        try:
            self.client.put_object(Bucket=self.bucket, Key=full, Body=data, ContentType="application/json")
        except (boto_error, client_error) as exc:
            raise LedgerError(f"s3://{self.bucket}/{full}: cannot write: {exc}") from None

    def get(self, key: str) -> bytes | None:
        full = self._key(check_key(key))
        found = self._get(full, f"s3://{self.bucket}/{full}")
        return None if found is None else found[0]

    def _list(self, prefix: str, delimiter: str | None = None) -> list[str]:
        boto_error, client_error = self._errors()
        found: list[str] = []
        kwargs: dict[str, Any] = {"Bucket": self.bucket, "Prefix": prefix}
        if delimiter:
            kwargs["Delimiter"] = delimiter
        try:
            for page in self.client.get_paginator("list_objects_v2").paginate(**kwargs):
                found.extend(item["Key"] for item in page.get("Contents", []))
        except (boto_error, client_error) as exc:
            raise LedgerError(f"s3://{self.bucket}/{prefix}: cannot list: {exc}") from None
        return found

    def keys(self, prefix: str) -> list[str]:
        base = self._key(check_key(prefix)) + "/"
        cut = len(self.prefix) + 1 if self.prefix else 0
        return sorted(k[cut:] for k in self._list(base))

    def stacks(self) -> list[str]:
        base = f"{self.prefix}/" if self.prefix else ""
        names = (k[len(base):] for k in self._list(base, delimiter="/"))
        return sorted(n[:-len(".json")] for n in names if n.endswith(".json") and "/" not in n)
