"""`make loadtest`: two Kopir web processes behind nginx on loopback, locust against them for a
bounded time, and the proof that a lockout and a rate limit set in one process hold in the other.

Steps: migrate and load the demo (idempotent) into the load test's database; start
`manage.py serve --processes 2` (two waitress processes and the worker) sharing one Redis
(KOPIR_CACHE_URL); start nginx in front of them (a configuration of its own under the data
directory, nothing of the system's); check across the two processes, port against port, that five
wrong passwords sent to the first lock the account on the second and that the API's per-address
limit used up on the first refuses on the second; run locust headless with loadtest/locustfile.py
through nginx; print throughput, p95 and errors per path; stop everything, whatever happened.
Exits non-zero on any error or a failed check: zero errors is the bar.

Everything stays on 127.0.0.1. Needs nginx (Debian: apt-get install nginx-light) and Redis.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEMO_PASSWORD = "kopir-demo-2026"  # noqa: S105 - the demo's published password
# The account the lockout check locks: one the locust users never sign in as.
LOCKED_ACCOUNT = "district-akimat"

NGINX_CONF = """\
daemon off;
# One nginx process, as the user running the test: no privileges to drop, nothing of the system's.
master_process off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    log_format upstream '$upstream_addr $status $request_time';
    access_log {dir}/nginx-access.log upstream;
    client_body_temp_path {dir}/nginx-body;
    proxy_temp_path {dir}/nginx-proxy;
    fastcgi_temp_path {dir}/nginx-fastcgi;
    uwsgi_temp_path {dir}/nginx-uwsgi;
    scgi_temp_path {dir}/nginx-scgi;
    upstream kopir {{
        server 127.0.0.1:{first};
        server 127.0.0.1:{second};
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{proxy};
        client_max_body_size 25m;
        location / {{
            proxy_pass http://kopir;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
"""


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=40, help="simultaneous users (default 40)")
    # People do not all sign in within the same second: 2 a second starts 40 users in 20 s.
    parser.add_argument("--spawn-rate", type=float, default=2, help="users started per second")
    parser.add_argument("--run-time", default="60s", help="how long locust runs (default 60s)")
    parser.add_argument("--port", type=int, default=8000, help="the first web process's port")
    parser.add_argument("--proxy-port", type=int, default=8080, help="nginx's port")
    parser.add_argument(
        "--cache-url",
        default=os.environ.get("KOPIR_CACHE_URL", "redis://127.0.0.1:6379/13"),
        help="the Redis the processes share (default database 13, emptied at the start)",
    )
    parser.add_argument("--skip-setup", action="store_true", help="no migrate, no load_demo")
    return parser.parse_args()


def kopir_environment(options: argparse.Namespace, data: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", f"sqlite:///{data / 'kopir.sqlite3'}")
    env.update(
        KOPIR_DEMO="on",
        KOPIR_DATA_DIR=str(data),
        KOPIR_CACHE_URL=options.cache_url,
        # nginx on this machine is the one proxy: the client's address is the one it appends.
        KOPIR_TRUSTED_PROXIES="1",
        KOPIR_PROXY_ADDRESS="127.0.0.1",
        KOPIR_LOG_LEVEL="WARNING",
    )
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def wait_until_answering(url: str, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {seconds:.0f} s")


class Browser:
    """A client with its own cookies, for the checks: talks to one port only."""

    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect()
        )

    def request(
        self, path: str, form: dict[str, str] | None = None, headers: dict[str, str] | None = None
    ) -> int:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(self.base + path, data=data, headers=headers or {})  # noqa: S310
        try:
            with self.opener.open(request, timeout=30) as response:
                return int(response.status)
        except urllib.error.HTTPError as error:
            return int(error.code)

    def sign_in(self, username: str, password: str) -> int:
        self.request("/kk/accounts/login/")
        token = next((c.value for c in self.cookies if c.name == "csrftoken"), "") or ""
        form = {"username": username, "password": password, "csrfmiddlewaretoken": token}
        return self.request("/kk/accounts/login/", form)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def checks_across_processes(first: int, second: int) -> dict[str, Any]:
    """A lockout and a rate limit set through one web process, asked of the other."""
    attacker = Browser(first)
    wrong = [attacker.sign_in(LOCKED_ACCOUNT, "not the password") for _ in range(5)]
    right_elsewhere = Browser(second).sign_in(LOCKED_ACCOUNT, DEMO_PASSWORD)
    # The API's limit on requests without a valid token, per client address (30 a minute by
    # default): used up on the first process, then asked once of the second.
    guesser = Browser(first)
    bad_token = {"Authorization": "Bearer not-a-token"}
    anonymous = [guesser.request("/api/referrals/X-1", headers=bad_token) for _ in range(60)]
    used_up_at = anonymous.index(429) if 429 in anonymous else None
    elsewhere = Browser(second).request("/api/referrals/X-1", headers=bad_token)
    result = {
        "lockout": {
            "wrong_passwords_on_first": wrong,
            "right_password_on_second": right_elsewhere,
            "holds": wrong[-1] == 429 and right_elsewhere == 429,
        },
        "rate_limit": {
            "refused_on_first_after": used_up_at,
            "next_request_on_second": elsewhere,
            "holds": used_up_at is not None and elsewhere == 429,
        },
    }
    return result


def locust_figures(prefix: Path) -> list[dict[str, str]]:
    with open(f"{prefix}_stats.csv", newline="") as stats:
        return list(csv.DictReader(stats))


def print_figures(rows: list[dict[str, str]]) -> None:
    head = (
        f"{'path':<32} {'requests':>8} {'errors':>6} {'req/s':>6} {'p50':>6} {'p95':>6} {'p99':>6}"
    )
    print(head)
    print("-" * len(head))
    for row in rows:
        name = "all" if row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"
        print(
            f"{name[:32]:<32} {row['Request Count']:>8} {row['Failure Count']:>6} "
            f"{float(row['Requests/s']):>6.1f} {row['50%']:>6} {row['95%']:>6} {row['99%']:>6}"
        )
    print("(times in ms)")


def stop(process: subprocess.Popen[bytes] | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def main() -> int:
    options = arguments()
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        raise SystemExit("nginx is not installed (Debian: apt-get install nginx-light)")
    data = Path(os.environ.get("KOPIR_DATA_DIR", ROOT / "var")) / "loadtest"
    data.mkdir(parents=True, exist_ok=True)
    env = kopir_environment(options, data)
    first, second = options.port, options.port + 1

    import redis

    # The load test's own Redis database: emptied so that no window of an earlier run counts.
    redis.Redis.from_url(options.cache_url).flushdb()
    if not options.skip_setup:
        manage(env, "migrate", "--no-input", "-v", "0")
        manage(env, "load_demo")
    manage(env, "axes_reset_username", LOCKED_ACCOUNT)

    (data / "nginx.conf").write_text(
        NGINX_CONF.format(dir=data, first=first, second=second, proxy=options.proxy_port)
    )
    (data / "nginx-access.log").unlink(missing_ok=True)
    server = proxy = None
    # What the web processes and the worker log goes to a file, not between the figures.
    server_log = (data / "server.log").open("w")
    try:
        server = subprocess.Popen(
            [PYTHON, "manage.py", "serve", "--processes", "2", "--port", str(first)],
            cwd=ROOT,
            env=env,
            stdout=server_log,
            stderr=subprocess.STDOUT,
        )
        proxy = subprocess.Popen(
            [
                nginx,
                "-p",
                str(data),
                "-e",
                str(data / "nginx-error.log"),
                "-c",
                str(data / "nginx.conf"),
            ]
        )
        for port in (first, second, options.proxy_port):
            wait_until_answering(f"http://127.0.0.1:{port}/healthz")

        checks = checks_across_processes(first, second)
        print(json.dumps(checks, indent=2))

        prefix = data / "locust"
        pages_file = data / "pages.json"
        pages_file.unlink(missing_ok=True)
        started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        subprocess.run(
            [
                *(PYTHON, "-m", "locust", "-f", str(ROOT / "loadtest" / "locustfile.py")),
                *("--headless", "--only-summary", "--loglevel", "WARNING"),
                *("--users", str(options.users), "--spawn-rate", str(options.spawn_rate)),
                *("--run-time", options.run_time, "--stop-timeout", "10"),
                *("--host", f"http://127.0.0.1:{options.proxy_port}", "--csv", str(prefix)),
            ],
            cwd=ROOT,
            env={**os.environ, "KOPIR_LOADTEST_PAGES": str(pages_file)},
            check=False,
        )
    finally:
        stop(proxy)
        stop(server)
        server_log.close()
        manage(env, "axes_reset_username", LOCKED_ACCOUNT)

    rows = locust_figures(prefix)
    upstreams = Counter(
        line.split()[0] for line in (data / "nginx-access.log").read_text().splitlines() if line
    )
    total = next(row for row in rows if row["Name"] == "Aggregated")
    print()
    print(f"Load test, {started}: {options.users} users for {options.run_time}, 2 web processes")
    print_figures(rows)
    pages = json.loads(pages_file.read_text()) if pages_file.exists() else {}
    print("pages alone, without signing in (ms):", pages)
    print("requests per web process (nginx):", dict(upstreams))
    summary = {
        "started": started,
        "users": options.users,
        "run_time": options.run_time,
        "requests": int(total["Request Count"]),
        "errors": int(total["Failure Count"]),
        "requests_per_second": float(total["Requests/s"]),
        "p50_ms": float(total["50%"]),
        "p95_ms": float(total["95%"]),
        "p99_ms": float(total["99%"]),
        "pages_without_sign_in": pages,
        "per_process": dict(upstreams),
        "checks_across_processes": checks,
    }
    (data / "summary.json").write_text(json.dumps(summary, indent=2))
    failed = summary["errors"] > 0 or not all(check["holds"] for check in checks.values())
    print("FAILED: errors or a check across processes did not hold" if failed else "passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
