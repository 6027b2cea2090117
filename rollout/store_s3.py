"""The ledger in S3 (for teams): ``s3://bucket/prefix`` -> ``prefix/<stack>.json``.

Compare-and-swap with S3 conditional writes: ``If-None-Match: *`` to create,
``If-Match: <etag>`` to update; a ``412 PreconditionFailed`` is a ``ConflictError``.
"""

from __future__ import annotations

from typing import Any

from .errors import ConflictError, LedgerError


class S3Store:
    def __init__(self, url: str, client: Any = None) -> None:
        rest = url.removeprefix("s3://")
        bucket, _, prefix = rest.partition("/")
        if not bucket:
            raise LedgerError(f"{url!r}: an S3 ledger URL is s3://bucket[/prefix]")
        self.url, self.bucket, self.prefix = url, bucket, prefix.strip("/")
        if client is None:
            import boto3

            client = boto3.client("s3")
        self.client = client

    def key(self, stack: str) -> str:
        return f"{self.prefix}/{stack}.json" if self.prefix else f"{stack}.json"

    def where(self, stack: str) -> str:
        return f"s3://{self.bucket}/{self.key(stack)}"

    def read(self, stack: str) -> tuple[bytes, str] | None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self.key(stack))
            return response["Body"].read(), str(response["ETag"])
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise LedgerError(f"{self.where(stack)}: cannot read the ledger: {exc}") from None
        except BotoCoreError as exc:
            raise LedgerError(f"{self.where(stack)}: cannot read the ledger: {exc}") from None

    def write(self, stack: str, data: bytes, expected: str | None) -> str:
        from botocore.exceptions import BotoCoreError, ClientError

        condition = {"IfNoneMatch": "*"} if expected is None else {"IfMatch": expected}
        try:
            response = self.client.put_object(Bucket=self.bucket, Key=self.key(stack), Body=data,
                                              ContentType="application/json", **condition)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code")
            if code in ("PreconditionFailed", "412", "ConditionalRequestConflict", "409"):
                raise ConflictError(f"{self.where(stack)}: changed by another writer; read it again") from None
            raise LedgerError(f"{self.where(stack)}: cannot write the ledger: {exc}") from None
        except BotoCoreError as exc:
            raise LedgerError(f"{self.where(stack)}: cannot write the ledger: {exc}") from None
        return str(response["ETag"])
