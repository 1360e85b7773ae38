"""The public site under load: requests per second and p50/p99 latency of the public pages, served by
gunicorn on PostgreSQL with production settings, against a minimal Django view served by the same
gunicorn in the same run. Run by hand or with ``make bench-public`` (``BENCH_ARGS="--json"`` etc.).

What it does, with a PostgreSQL database and a Redis database number of its own (PostgreSQL on
127.0.0.1:5432 as ``postgres`` with trust auth, Redis on 127.0.0.1:6379; both must answer):

1. drops and recreates the database ``inspectorate_bench``, migrates it, loads the demo data (the 2015
   and 2016 reports published for all 43 forces) and collects the static files under bench/out/;
2. in this process, renders the measured report's editions (PDF and HTML) as a worker would, so that
   its page is served as in production, and counts the SQL queries of one uncached request to each
   page;
3. serves ``bench.settings`` (production's, plus ``/bench/minimal/``; plain HTTP, as behind a TLS
   proxy) with gunicorn on 127.0.0.1 twice: once with the page cache off
   (``DJANGO_PUBLIC_CACHE_SECONDS=0``, "uncached") and once with it on ("cached", after one warm-up
   request per URL), the Redis database emptied before each;
4. after 3 s of unmeasured load on the minimal view, loads each URL with wrk on 127.0.0.1: 16
   connections for 5 s, one thread, a 5 s timeout per request, ``Accept-Encoding: gzip`` as a
   browser sends; three rounds of every URL, the minimal view first in each;
5. stops gunicorn (by its PID, on an error or Ctrl-C too) and drops the database and empties the
   Redis database (``--keep`` leaves both).

gunicorn runs as production's Procfile does: 2 sync workers, one per core. Sync workers close the
connection after each answer, so each request is a new connection, handed to whichever worker is
free; gthread workers keep connections alive, and with 16 connections pinned to 2 processes (each
bound to one core by the GIL) throughput swung between runs by 2x. 3 or 4 sync workers measured
within the noise of 2 (``--workers``, ``--worker-class`` to try them).

Figures, per URL and mode (the best of the rounds by rps, as anything else running can only slow a
round down; the range of the rounds beside it): requests per second, p50 and p99 latency, the ratio
of requests per second to the minimal view's in the same run, answers that were not 2xx and socket
errors or timeouts (every request must succeed, or the run exits 1), the body's size, the SQL queries;
then whether the issue's targets are met: a cached report page at least 0.6x the minimal view, an
uncached one at least 0.08x, and p99 under 50 ms at 16 connections (judged on the cached report page
and on ``/healthz/ready``, whose database, broker and cache checks run at every request; the others'
p99 is printed beside it). wrk shares the 2 cores with gunicorn, PostgreSQL and Redis: its
CPU share is printed, and so is that of any other process (another person's tests, say), which makes
figures lower and noisier. ``--json`` also writes the figures to bench/out/public_site.json.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import re
import resource
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
WORK = OUT / "public_site"
LUA = ROOT / "bench" / "public_site.lua"

PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379

MINIMAL = "/bench/minimal/"
REPORT_SLUG = "peel-police-legitimacy-2016-west-midlands-police"
FORCE_SLUG = "west-midlands-police"

#: The report page behind nginx's cache, against the minimal Django view served by gunicorn in the same run.
NGINX_REPORT_RATIO = 10
#: Connections probing health at once: one per gunicorn worker, as load balancers probe (a request at a
#: time each), not a crowd of readers.
HEALTH_CONNECTIONS = 2
# The targets, as ratios of requests per second to the minimal view of the same run.
CACHED_REPORT_RATIO = 0.6
UNCACHED_REPORT_RATIO = 0.08
P99_LIMIT_MS = 50.0
#: Above this share of a core used by other processes during a round, its figures are less sure.
BUSY = 0.1


@dataclass
class Page:
    name: str
    path: str
    sql_queries: int | None = None
    connections: int | None = None  # wrk's connections for this URL, if not --connections


@dataclass
class Sample:
    """One wrk run on one URL. CPU shares are of one core, over the run's wall time."""

    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    requests: int
    non2xx: int
    socket_errors: int
    timeouts: int
    wrk_cpu: float
    others_cpu: float


@dataclass
class Measure:
    """One URL in one mode: a sample per round; its figures are those of the best round by rps (a busy
    machine only ever slows a round down)."""

    name: str
    path: str
    mode: str
    body_bytes: int
    content_encoding: str
    plain_bytes: int
    sql_queries: int | None
    samples: list[Sample] = field(default_factory=list)
    ratio: float = 0.0
    connections: int | None = None

    @property
    def best(self) -> Sample:
        return max(self.samples, key=lambda sample: sample.rps)

    @property
    def failures(self) -> int:
        return sum(sample.non2xx + sample.socket_errors + sample.timeouts for sample in self.samples)


class BenchError(Exception):
    """A failure with a message for the person running the benchmark."""


@dataclass
class Deadline:
    seconds: float
    started: float = field(default_factory=time.monotonic)

    def left(self, want: float) -> float:
        """``want`` seconds, or fewer if the whole run's bound is nearer; fails once it has passed."""
        remaining = self.seconds - (time.monotonic() - self.started)
        if remaining <= 0:
            raise BenchError(f"gave up: the run took longer than --max-seconds {self.seconds:.0f}")
        return min(want, remaining)


# --- Services ---------------------------------------------------------------------------------------


def postgres(dbname: str = "postgres") -> Any:
    import psycopg2

    try:
        conn = psycopg2.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=dbname, connect_timeout=5)
    except psycopg2.OperationalError as error:
        raise BenchError(
            f"PostgreSQL does not answer on {PG_HOST}:{PG_PORT} as user {PG_USER!r} (trust auth expected): "
            f"{str(error).strip()}"
        ) from error
    conn.autocommit = True
    return conn


def redis_client(url: str) -> Any:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as error:
        raise BenchError(f"Redis does not answer on {REDIS_HOST}:{REDIS_PORT}: {error}") from error
    return client


def recreate_database(name: str) -> None:
    from psycopg2 import sql

    conn = postgres()
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        conn.close()


def drop_database(name: str) -> None:
    from psycopg2 import sql

    conn = postgres()
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    finally:
        conn.close()


def environment(args: argparse.Namespace, cache_seconds: int) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        # Nothing of the caller's own set-up may redirect the benchmark's broker, files or mode.
        if key not in {"CELERY_BROKER_URL", "AWS_STORAGE_BUCKET_NAME", "DJANGO_DEBUG", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DJANGO_SECRET_KEY": "bench-only-secret-never-used-anywhere-else-0123456789",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            # Plain HTTP on the loopback: as behind a TLS proxy that does the redirecting.
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{args.database}",
            "REDIS_URL": redis_url(args),
            "DJANGO_PUBLIC_CACHE_SECONDS": str(cache_seconds),
            "DJANGO_STATIC_ROOT": str(WORK / "static"),
            "DJANGO_VAR_DIR": str(WORK / "var"),
            "DJANGO_MEDIA_ROOT": str(WORK / "media"),
            "DJANGO_LOG_LEVEL": "WARNING",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        }
    )
    return env


def redis_url(args: argparse.Namespace) -> str:
    return f"redis://{REDIS_HOST}:{REDIS_PORT}/{args.redis_db}"


def manage(args: argparse.Namespace, deadline: Deadline, *command: str) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=environment(args, 0),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=deadline.left(600),
        check=False,
    )
    if result.returncode != 0:
        raise BenchError(f"manage.py {' '.join(command)} failed:\n{result.stdout[-4000:]}")


# --- In this process: the report's address and each page's SQL queries ------------------------------


def pages_to_measure(args: argparse.Namespace) -> list[Page]:
    os.environ.update(environment(args, 0))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection, connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from inspections.models import Force
    from publishing import services as publication
    from publishing.models import Edition
    from publishing.selectors import published_reports

    try:
        slug = REPORT_SLUG
        if not published_reports().filter(slug=slug).exists():
            found = (
                published_reports()
                .filter(inspection__force__slug=FORCE_SLUG)
                .order_by("-first_published_at")
                .values_list("slug", flat=True)
                .first()
            )
            if found is None:
                raise BenchError(f"no published report of {FORCE_SLUG} after seed_demo")
            print(f"({REPORT_SLUG} is not published after seed_demo: measuring {found} instead)")
            slug = found
        if not Force.objects.filter(slug=FORCE_SLUG).exists():
            raise BenchError(f"no force {FORCE_SLUG} after seed_demo")
        # In production a worker renders each edition's PDF and HTML soon after it is made, and the page
        # then serves that HTML; the demo's editions wait for a worker that the benchmark does not run.
        print("Rendering the measured report's editions (PDF and HTML), as a worker would...", flush=True)
        for edition_id in Edition.objects.filter(report__slug=slug).values_list("pk", flat=True):
            publication.edition_render(edition_id=edition_id)
        pages = [
            Page("minimal view", MINIMAL),
            Page("report page", f"/reports/{slug}/"),
            Page("force page", f"/forces/{FORCE_SLUG}/"),
            Page("reports, filtered", f"/reports/?force={FORCE_SLUG}&year=2016&grade=good"),
            Page("judgments CSV", "/data/judgments.csv"),
            # Probed as load balancers probe: a request at a time per web worker, not 16 at once.
            Page("health: live", "/healthz/live", connections=HEALTH_CONNECTIONS),
            Page("health: ready", "/healthz/ready", connections=HEALTH_CONNECTIONS),
        ]
        client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_ENCODING="gzip")
        for page in pages:
            for _ in range(2):  # the second request's count: the steady state, not a first-use cost
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(page.path)
                    if response.streaming:
                        b"".join(response.streaming_content)  # type: ignore[attr-defined]
                if response.status_code != 200:
                    raise BenchError(f"{page.path} answered {response.status_code} in this process, not 200")
            page.sql_queries = len(queries.captured_queries)
        return pages
    finally:
        connections.close_all()


# --- gunicorn ---------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get(port: int, path: str, gzip: bool = True, timeout: float = 10, tls: bool = False) -> tuple[int, bytes, str]:
    """One request as a browser sends it (no redirect followed): status, body as sent, its encoding."""
    conn: http.client.HTTPConnection
    if tls:  # through nginx, trusting the certificate made for the run (deploy/local_nginx.py)
        context = ssl.create_default_context(cafile=str(WORK / "nginx" / "cert.pem"))
        context.check_hostname = False  # made for inspectorate.example, asked for as 127.0.0.1
        conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=timeout, context=context)
    else:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Accept-Encoding": "gzip"} if gzip else {})
        response = conn.getresponse()
        return response.status, response.read(), response.getheader("Content-Encoding") or ""
    finally:
        conn.close()


@contextmanager
def gunicorn(args: argparse.Namespace, mode: str, cache_seconds: int, deadline: Deadline) -> Iterator[tuple[int, int]]:
    """Serve the site on a free port of 127.0.0.1; stop it (by its PID) however the block ends."""
    port = free_port()
    log = WORK / f"gunicorn-{mode}.log"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "inspectorate.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--worker-class",
        args.worker_class,
        "--timeout",
        "30",
        "--graceful-timeout",
        "5",
        "--log-level",
        "warning",
        "--error-logfile",
        str(log),
    ]  # no --access-logfile: gunicorn writes no access log without one
    if args.worker_class == "gthread":
        command += ["--threads", str(args.threads)]
    # A session of its own: Ctrl-C in the terminal reaches this script, which stops gunicorn itself.
    server = subprocess.Popen(command, cwd=ROOT, env=environment(args, cache_seconds), start_new_session=True)
    try:
        wait_ready(server, port, log, deadline)
        yield port, server.pid
    finally:
        stop(server)


def wait_ready(server: subprocess.Popen[bytes], port: int, log: Path, deadline: Deadline) -> None:
    until = time.monotonic() + deadline.left(60)
    while True:
        if server.poll() is not None:
            tail = log.read_text()[-3000:] if log.exists() else ""
            raise BenchError(f"gunicorn exited ({server.returncode}) before answering:\n{tail}")
        try:
            status, _, _ = get(port, MINIMAL, timeout=2)
            if status == 200:
                return
            raise BenchError(f"{MINIMAL} answered {status}, not 200: see {log.relative_to(ROOT)}")
        except OSError:
            pass
        if time.monotonic() > until:
            raise BenchError(f"gunicorn did not answer on 127.0.0.1:{port} within a minute")
        time.sleep(0.2)


def stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is not None:
        return
    server.terminate()  # SIGTERM to the master's PID: a graceful stop of its workers
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=15)


# --- wrk --------------------------------------------------------------------------------------------


def wrk(
    args: argparse.Namespace,
    port: int,
    path: str,
    seconds: float,
    deadline: Deadline,
    connections: int | None = None,
    scheme: str = "http",
) -> dict[str, Any]:
    """Load one URL: the figures of the Lua ``done`` hook."""
    command = [
        "wrk",
        "--threads",
        str(args.wrk_threads),
        "--connections",
        str(connections or args.connections),
        "--duration",
        f"{seconds:g}s",
        "--timeout",
        f"{args.timeout:g}s",
        "--header",
        "Accept-Encoding: gzip",
        "--script",
        str(LUA),
        f"{scheme}://127.0.0.1:{port}{path}",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        output, _ = process.communicate(timeout=deadline.left(seconds + args.timeout + 20))
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    if process.returncode != 0:
        raise BenchError(f"wrk failed ({process.returncode}) on {path}:\n{output}")
    match = re.search(r"^WRK_JSON (.*)$", output, re.MULTILINE)
    if match is None:
        raise BenchError(f"wrk printed no figures for {path}:\n{output}")
    figures: dict[str, Any] = json.loads(match.group(1))
    return figures


# --- Who used the CPU: this machine's 2 cores are shared by wrk, gunicorn, PostgreSQL and Redis, and by
# anything else running (another person's tests, say), which the figures should show.

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU seconds spent by every process on the machine since boot (not idle, not stolen)."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:8]
    user, nice, system, _idle, _iowait, irq, softirq = (int(value) for value in fields)
    return (user + nice + system + irq + softirq) / CLOCK_TICKS


def process_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


def servers_seconds(server_pid: int, database: str) -> float:
    """CPU seconds of the servers under test so far: gunicorn's processes, the PostgreSQL backends of
    the benchmark's database, and Redis."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):  # a process that just ended
            pid = int(entry.name)
            if pid == server_pid or int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == server_pid:
                total += process_seconds(pid)
                continue
            command = (entry / "cmdline").read_bytes()
            if command.startswith(b"redis-server") or (
                command.startswith(b"postgres:") and f" {database} ".encode() in command
            ):
                total += process_seconds(pid)
    return total


def children_seconds() -> float:
    """CPU seconds of this process's children that have been waited for."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def others_share(seconds: float = 1) -> float:
    """The share of one core that the machine spends over ``seconds`` while nothing of ours runs."""
    before = machine_busy_seconds()
    time.sleep(seconds)
    return (machine_busy_seconds() - before) / seconds


def sample(
    args: argparse.Namespace,
    port: int,
    server_pid: int,
    path: str,
    seconds: float,
    deadline: Deadline,
    connections: int | None = None,
    scheme: str = "http",
) -> Sample:
    servers, busy, children = servers_seconds(server_pid, args.database), machine_busy_seconds(), children_seconds()
    started = time.monotonic()
    figures = wrk(args, port, path, seconds, deadline, connections=connections, scheme=scheme)
    wall = time.monotonic() - started
    wrk_cpu = children_seconds() - children  # nothing else is waited for meanwhile
    servers = servers_seconds(server_pid, args.database) - servers
    others = machine_busy_seconds() - busy - servers - wrk_cpu
    return Sample(
        rps=figures["requests"] / (figures["duration_us"] / 1e6),
        p50_ms=figures["p50_us"] / 1000,
        p90_ms=figures["p90_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        max_ms=figures["max_us"] / 1000,
        requests=figures["requests"],
        non2xx=figures["non2xx"],
        socket_errors=figures["connect_errors"] + figures["read_errors"] + figures["write_errors"],
        timeouts=figures["timeouts"],
        wrk_cpu=wrk_cpu / wall,
        others_cpu=max(0.0, others / wall),
    )


@contextmanager
def nginx_in_front(upstream: int) -> Iterator[int]:
    """nginx as deploy/nginx/ ships it (deploy/local_nginx.py), in front of gunicorn: its HTTPS port."""
    from deploy.local_nginx import site_in

    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        raise BenchError("nginx is not installed: bash scripts/install-nginx.sh")
    folder = WORK / "nginx"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    secure = free_port()
    conf = site_in(folder, upstream_port=upstream, listen_port=secure, plain_port=free_port())
    server = subprocess.Popen([binary, "-p", str(folder), "-c", str(conf), "-g", "daemon off;"], start_new_session=True)
    try:
        until = time.monotonic() + 10
        while socket.socket().connect_ex(("127.0.0.1", secure)) != 0:
            if time.monotonic() > until or server.poll() is not None:
                raise BenchError("nginx did not start: see bench/out/public_site/nginx/error.log")
            time.sleep(0.1)
        yield secure
    finally:
        stop(server)


def measure_run(
    args: argparse.Namespace, mode: str, cache_seconds: int, pages: list[Page], deadline: Deadline, front: bool = False
) -> list[Measure]:
    redis_client(redis_url(args)).flushdb()
    idle = others_share()
    print(
        f"{mode}: gunicorn with DJANGO_PUBLIC_CACHE_SECONDS={cache_seconds} (before it starts, other processes "
        f"use {idle:.0%} of a core)...",
        flush=True,
    )
    if idle > BUSY:
        print("  the machine is not idle: the figures will be lower and noisier than they could be", flush=True)
    results = []
    with (
        gunicorn(args, mode, cache_seconds, deadline) as (port, server_pid),
        nginx_in_front(port) if front else contextlib.nullcontext(0) as secure,
    ):
        # Not measured: fresh workers answer the minimal view a third slower for their first seconds.
        wrk(args, port, MINIMAL, args.warmup, deadline)
        for page in pages:
            # Behind nginx, every page but the minimal view (gunicorn's own ceiling, asked directly).
            via_front = front and page.path != MINIMAL
            at, tls = (secure, True) if via_front else (port, False)
            status, body, encoding = get(at, page.path, tls=tls)  # the warm-up request (fills the caches)
            if status != 200:
                raise BenchError(f"{page.path} answered {status}, not 200 ({mode})")
            plain = len(get(at, page.path, gzip=False, tls=tls)[1]) if encoding else len(body)
            results.append(
                Measure(
                    page.name,
                    page.path,
                    mode,
                    len(body),
                    encoding,
                    plain,
                    page.sql_queries,
                    connections=page.connections,
                )
            )
        # Round after round of every URL, so that a passing disturbance touches one round of each.
        for _ in range(args.rounds):
            for result in results:
                via_front = front and result.path != MINIMAL
                result.samples.append(
                    sample(
                        args,
                        secure if via_front else port,
                        server_pid,
                        result.path,
                        args.duration,
                        deadline,
                        result.connections,
                        "https" if via_front else "http",
                    )
                )
    ceiling = results[0].best.rps
    for result in results:
        result.ratio = result.best.rps / ceiling
    return results


# --- Output -----------------------------------------------------------------------------------------


def table(results: list[Measure]) -> str:
    header = (
        "URL",
        "mode",
        "rps",
        "rps range",
        "p50 ms",
        "p99 ms",
        "x minimal",
        "non-2xx",
        "errors",
        "bytes (gzip of plain)",
        "SQL",
        "wrk CPU",
        "others CPU",
    )
    rows = []
    for result in results:
        best = result.best
        rates = [sample.rps for sample in result.samples]
        rows.append(
            (
                result.path,
                result.mode,
                f"{best.rps:,.0f}",
                f"{min(rates):,.0f}-{max(rates):,.0f}",
                f"{best.p50_ms:.1f}",
                f"{best.p99_ms:.1f}",
                f"{result.ratio:.3f}",
                str(sum(sample.non2xx for sample in result.samples)),
                str(sum(sample.socket_errors + sample.timeouts for sample in result.samples)),
                f"{result.body_bytes:,}" + (f" of {result.plain_bytes:,}" if result.content_encoding else ""),
                "-" if result.sql_queries is None else str(result.sql_queries),
                f"{best.wrk_cpu:.0%}",
                f"{best.others_cpu:.0%}" + (" *" if best.others_cpu > BUSY else ""),
            )
        )
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(
            cell.ljust(width) if i < 2 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        )
        for row in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def targets(results: list[Measure], connections: int) -> list[tuple[str, bool]]:
    report = {result.mode: result for result in results if result.name == "report page"}
    minimal = {result.mode: result.best.rps for result in results if result.path == MINIMAL}
    cached, uncached = report["cached"], report["uncached"]
    health_ready = {
        result.mode: result for result in results if result.name == "health: ready" and result.mode != "nginx"
    }
    live = {result.mode: result for result in results if result.name == "health: live"}
    slow = [f"{r.path} {r.mode} {r.best.p99_ms:.0f} ms" for r in results if r.best.p99_ms >= P99_LIMIT_MS]
    front = (
        [
            (
                f"report page behind nginx at least {NGINX_REPORT_RATIO:g}x the minimal view (gunicorn, same run): "
                f"{report['nginx'].ratio:.1f}x ({report['nginx'].best.rps:,.0f} of {minimal['nginx']:,.0f} rps, "
                f"p99 {report['nginx'].best.p99_ms:.1f} ms)",
                report["nginx"].ratio >= NGINX_REPORT_RATIO,
            )
        ]
        if "nginx" in report
        else []
    )
    return [
        *front,
        (
            f"cached report page at least {CACHED_REPORT_RATIO}x the minimal view: {cached.ratio:.3f}x "
            f"({cached.best.rps:,.0f} of {minimal['cached']:,.0f} rps; "
            f"{cached.best.rps / minimal['uncached']:.3f}x the minimal view of the uncached run)",
            cached.ratio >= CACHED_REPORT_RATIO,
        ),
        (
            f"uncached report page at least {UNCACHED_REPORT_RATIO}x the minimal view: {uncached.ratio:.3f}x "
            f"({uncached.best.rps:,.0f} of {minimal['uncached']:,.0f} rps)",
            uncached.ratio >= UNCACHED_REPORT_RATIO,
        ),
        *(
            (
                f"/healthz/ready p99 under {P99_LIMIT_MS:.0f} ms at {HEALTH_CONNECTIONS} connections, {mode}: "
                f"{ready.best.p99_ms:.1f} ms ({ready.best.rps:,.0f} rps; /healthz/live "
                f"{live[mode].best.p99_ms:.1f} ms)",
                ready.best.p99_ms < P99_LIMIT_MS,
            )
            for mode, ready in health_ready.items()
        ),
        (
            f"cached report page p99 under {P99_LIMIT_MS:.0f} ms at {connections} connections: "
            f"{cached.best.p99_ms:.1f} ms (uncached: {uncached.best.p99_ms:.1f} ms; with every connection "
            f"busy, mean latency is about {connections} / rps, so under {P99_LIMIT_MS:.0f} ms needs well over "
            f"{connections / P99_LIMIT_MS * 1000:.0f} rps)"
            + (f"; rows at or over it: {'; '.join(slow)}" if slow else "; every row is under it"),
            cached.best.p99_ms < P99_LIMIT_MS,
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--duration", type=float, default=5, help="seconds of load per URL (default 5)")
    parser.add_argument("--warmup", type=float, default=3, help="seconds of unmeasured load first (default 3)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of every URL; the best counts (default 3)")
    parser.add_argument("--connections", type=int, default=16, help="wrk's open connections (default 16)")
    parser.add_argument("--wrk-threads", type=int, default=1, help="wrk's threads (default 1: it shares 2 cores)")
    parser.add_argument("--timeout", type=float, default=5, help="wrk's timeout per request, seconds (default 5)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2, one per core)")
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync", help="default sync")
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker (default 4)")
    parser.add_argument("--cache-seconds", type=int, default=300, help="DJANGO_PUBLIC_CACHE_SECONDS when cached")
    parser.add_argument("--database", default="inspectorate_bench", help="PostgreSQL database, dropped and made anew")
    parser.add_argument("--redis-db", type=int, default=5, help="Redis database number, emptied (default 5)")
    parser.add_argument("--max-seconds", type=float, default=900, help="bound on the whole run (default 900)")
    parser.add_argument("--keep", action="store_true", help="leave the database and the cache at the end")
    parser.add_argument("--json", action="store_true", help="also write bench/out/public_site.json")
    parser.add_argument(
        "--no-nginx", dest="nginx", action="store_false", help="skip the run behind nginx (deploy/nginx/)"
    )
    args = parser.parse_args()
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", args.database):
        parser.error("--database: lower-case letters, digits and underscores only")
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: bash scripts/install-wrk.sh (or apt-get install wrk)")
    # A SIGTERM ends the run as Ctrl-C does: through the finally blocks that stop gunicorn.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))

    deadline = Deadline(args.max_seconds)
    results: list[Measure] = []
    created = False
    try:
        postgres().close()
        redis_client(redis_url(args)).flushdb()
        shutil.rmtree(WORK, ignore_errors=True)
        (WORK / "var").mkdir(parents=True)
        print(f"Setting up: database {args.database}, migrate, load the demo data, collect static files...", flush=True)
        recreate_database(args.database)
        created = True
        manage(args, deadline, "migrate", "--noinput")
        manage(args, deadline, "seed_demo")
        manage(args, deadline, "collectstatic", "--noinput")
        pages = pages_to_measure(args)
        server = f"gunicorn: {args.workers} {args.worker_class} worker(s)"
        if args.worker_class == "gthread":
            server += f" of {args.threads} threads"
        print(
            f"{server}; wrk: {args.connections} connections, {args.wrk_threads} thread(s), "
            f"{args.duration:g} s per URL\n",
            flush=True,
        )
        results += measure_run(args, "uncached", 0, pages, deadline)
        results += measure_run(args, "cached", args.cache_seconds, pages, deadline)
        if args.nginx:
            results += measure_run(args, "nginx", args.cache_seconds, pages, deadline, front=True)
    except BenchError as error:
        sys.exit(f"public_site: {error}")
    except subprocess.TimeoutExpired as error:
        sys.exit(f"public_site: gave up waiting: {error}")
    except KeyboardInterrupt:
        sys.exit("public_site: interrupted")
    finally:
        if created and not args.keep:
            drop_database(args.database)
            redis_client(redis_url(args)).flushdb()

    print()
    print(table(results))
    print(
        f"\nEach row: the best of {args.rounds} round(s) of {args.duration:g} s by rps, with that round's "
        "latencies and CPU shares (of one core: wrk's, and that of processes other than wrk, gunicorn, the "
        "benchmark's PostgreSQL backends and Redis); non-2xx answers and socket errors or timeouts are of all "
        "rounds; bytes: the body as sent to a client that accepts gzip, and to one that does not; SQL: the "
        "queries of one uncached request.\n"
    )
    if any(result.best.others_cpu > BUSY for result in results):
        print(
            f"* other processes used over {BUSY:.0%} of a core during this row's best round: its figures, and "
            "the ratios that use them, are less sure than the rest; run again on an idle machine.\n"
        )
    for text, met in targets(results, args.connections):
        print(f"{'met' if met else 'NOT MET'}: {text}")
    if args.json:
        OUT.mkdir(parents=True, exist_ok=True)
        document = {
            "server": {"workers": args.workers, "worker_class": args.worker_class, "threads": args.threads},
            "load": {
                "connections": args.connections,
                "wrk_threads": args.wrk_threads,
                "duration_s": args.duration,
                "rounds": args.rounds,
            },
            "results": [{**asdict(result), "best": asdict(result.best)} for result in results],
            "targets": [{"target": text, "met": met} for text, met in targets(results, args.connections)],
        }
        (OUT / "public_site.json").write_text(json.dumps(document, indent=2) + "\n")
        print("\nFigures written to bench/out/public_site.json")
    failed = [result for result in results if result.failures]
    if failed:
        sys.exit("Not every request succeeded: " + "; ".join(f"{r.path} ({r.mode})" for r in failed))


if __name__ == "__main__":
    main()
