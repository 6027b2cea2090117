"""A self-managed backend in S3: ``s3://bucket/prefix``, read with boto3.

Query parameters that Pulumi's S3 URLs carry are honoured: ``region``, ``endpoint``
(an S3-compatible server; ``AWS_ENDPOINT_URL`` works too) and ``profile``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlparse

from .errors import BackendError


@dataclass
class S3Store:
    url: str
    bucket: str
    prefix: str
    region: str | None = None
    endpoint: str | None = None
    profile: str | None = None
    _client: Any = field(default=None, repr=False)

    @classmethod
    def from_url(cls, url: str) -> S3Store:
        parsed = urlparse(url)
        if not parsed.netloc:
            raise BackendError(f"backend {url!r}: no bucket name (s3://bucket/prefix)")
        query = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
        endpoint = query.get("endpoint")
        if endpoint and "://" not in endpoint:
            endpoint = ("http://" if query.get("disableSSL") == "true" else "https://") + endpoint
        return cls(url=url, bucket=parsed.netloc, prefix=parsed.path.strip("/"),
                   region=query.get("region"), endpoint=endpoint, profile=query.get("profile"))

    @property
    def client(self) -> Any:
        if self._client is None:
            import boto3

            session = boto3.session.Session(profile_name=self.profile, region_name=self.region)
            self._client = session.client("s3", endpoint_url=self.endpoint)
        return self._client

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def _error(self, what: str, exc: Exception) -> BackendError:
        return BackendError(f"backend {self.url!r}: cannot {what}: {exc}")

    def list(self, prefix: str) -> list[str]:
        from botocore.exceptions import BotoCoreError, ClientError

        full = self._key(prefix)
        keys: list[str] = []
        try:
            pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=full)
            for page in pages:
                for item in page.get("Contents", []):
                    key = item["Key"]
                    keys.append(key[len(self.prefix) + 1:] if self.prefix else key)
        except (BotoCoreError, ClientError) as exc:
            raise self._error(f"list {full!r}", exc) from None
        return sorted(keys)

    def read(self, key: str) -> bytes | None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise self._error(f"read {key!r}", exc) from None
        except BotoCoreError as exc:
            raise self._error(f"read {key!r}", exc) from None
        body: bytes = response["Body"].read()
        return body
