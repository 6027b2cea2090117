"""Backend figures: rendering each backend's production stack offline, and the Docker
router's generated nginx configuration serving real traffic on 127.0.0.1.

- render: the stack program under Pulumi's mock runtime, per backend (median of runs),
  with the number of resources it registers;
- router: Debian's nginx with the generated configuration in front of two backends
  (a second nginx answering with its color); per weight setting, requests per second
  over one keep-alive connection and the measured split against the weights.

Run: ``.venv/bin/python bench/backends_bench.py [--requests 10000] [--runs 3]``.
Prints figures; it is never a timed test.
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path

from tricolor.components.docker.nginx import RouterConfig, render
from tricolor.stacks.render import render_stack

STACKS = {"kubernetes": "prod", "aws": "aws-prod", "docker": "local", "lambda": "lambda-prod"}
MAIN = """worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 512; }}
http {{
    access_log off;
    client_body_temp_path {dir}/b; proxy_temp_path {dir}/p; fastcgi_temp_path {dir}/f;
    uwsgi_temp_path {dir}/u; scgi_temp_path {dir}/s;
{body}
}}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_port(port: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.02)
    raise TimeoutError(f"nothing listens on {port}")


def start_nginx(binary: str, directory: Path, body: str) -> subprocess.Popen[bytes]:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "nginx.conf").write_text(MAIN.format(dir=directory, body=body))
    return subprocess.Popen([binary, "-g", "daemon off;", "-p", str(directory), "-e", str(directory / "error.log"),
                             "-c", str(directory / "nginx.conf")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def bench_render(runs: int) -> None:
    print("render (offline, Pulumi mock runtime)")
    print(f"  {'backend':<11} {'stack':<12} {'resources':>9} {'median s':>9} {'min s':>7}")
    for backend, stack in STACKS.items():
        times, count = [], 0
        for _ in range(runs):
            start = time.perf_counter()
            count = len(render_stack(stack).resources)
            times.append(time.perf_counter() - start)
        print(f"  {backend:<11} {stack:<12} {count:>9} {statistics.median(times):>9.3f} {min(times):>7.3f}")


def bench_router(requests: int) -> None:
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.path.exists(binary):
        print("router: nginx is not installed; skipped")
        return
    work = Path(tempfile.mkdtemp(prefix="tricolor-bench-"))
    ports = {"blue": free_port(), "green": free_port()}
    backends = start_nginx(binary, work / "backends", "\n".join(
        f'server {{ listen 127.0.0.1:{p}; location / {{ return 200 "{c}"; }} }}' for c, p in ports.items()))
    version = subprocess.run([binary, "-v"], capture_output=True, text=True).stderr.split("/")[-1].strip()
    print(f"router (nginx {version}, generated config, {requests} requests per setting, one keep-alive connection)")
    print(f"  {'weights':<9} {'req/s':>8} {'blue %':>7} {'green %':>8} {'max error':>10}")
    try:
        for port in ports.values():
            wait_port(port)
        for blue, green in ((90, 10), (50, 50), (100, 0), (0, 100), (99, 1)):
            listen = free_port()
            config = render(RouterConfig({c: f"127.0.0.1:{p}" for c, p in ports.items()},
                                         {"blue": blue, "green": green}, listen=f"127.0.0.1:{listen}"))
            directory = work / f"router-{blue}"
            directory.mkdir()
            (directory / "default.conf").write_text(config)
            router = start_nginx(binary, directory, f"include {directory}/default.conf;")
            try:
                wait_port(listen)
                seen: Counter[str] = Counter()
                connection = http.client.HTTPConnection("127.0.0.1", listen, timeout=5)
                start = time.perf_counter()
                for _ in range(requests):
                    connection.request("GET", "/")
                    seen[connection.getresponse().read().decode()] += 1
                elapsed = time.perf_counter() - start
                connection.close()
            finally:
                stop(router)
            shares = {c: 100 * seen[c] / requests for c in ("blue", "green")}
            error = max(abs(shares["blue"] - blue), abs(shares["green"] - green))
            print(f"  {blue:>3}/{green:<5} {requests / elapsed:>8.0f} {shares['blue']:>7.2f} {shares['green']:>8.2f}"
                  f" {error:>10.2f}")
    finally:
        stop(backends)
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    bench_render(args.runs)
    bench_router(args.requests)


if __name__ == "__main__":
    main()
