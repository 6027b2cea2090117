"""Smoke tests: HTTP checks sent to the idle color through its header route.

Each check from the spec (path, expected status, timeout) is a GET to the service's
address with the routing header (``x-tricolor-color: <color>`` by default), so it
reaches the idle color while it takes no weighted traffic.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..lazy import later
from ..spec.release import HttpCheck

if TYPE_CHECKING:
    import httpx
else:
    httpx = later("httpx")  # heavy: imported when first used


@dataclass(frozen=True)
class CheckResult:
    path: str
    ok: bool
    detail: str


class SmokeTester:
    def __init__(self, base_url: str, header: str = "x-tricolor-color", verify: bool = True) -> None:
        self.base_url = base_url.rstrip("/")
        self.header = header
        self.verify = verify

    def run(self, checks: list[HttpCheck], color: str) -> tuple[bool, str, list[CheckResult]]:
        results: list[CheckResult] = []
        with httpx.Client(verify=self.verify, follow_redirects=False) as client:
            for check in checks:
                url = f"{self.base_url}{check.path}"
                try:
                    response = client.get(url, headers={self.header: color},
                                          timeout=check.timeout.total_seconds())
                except httpx.HTTPError as exc:
                    results.append(CheckResult(check.path, False, f"GET {check.path}: {exc.__class__.__name__}"))
                    continue
                ok = response.status_code == check.expect_status
                results.append(CheckResult(check.path, ok, f"GET {check.path}: {response.status_code}"
                                           + ("" if ok else f", expected {check.expect_status}")))
        failed = [r for r in results if not r.ok]
        detail = "; ".join(r.detail for r in (failed or results))
        return not failed, detail, results


class SkippedSmoke:
    """For dry runs only: says plainly that nothing was sent."""

    def run(self, checks: list[HttpCheck], color: str) -> tuple[bool, str, list[CheckResult]]:
        return True, f"dry run: {len(checks)} check(s) to {color} not sent", []
