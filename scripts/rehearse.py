"""A production rehearsal on loopback (``make rehearse``; CI runs it): the deployment the README describes,
started from the README's own steps, given a programme to publish, and hurt while it does.

What runs, each on 127.0.0.1 and stopped at the end (on an error or Ctrl-C too), by its PID:

- a database of its own (``inspectorate_rehearsal``) on the machine's PostgreSQL, dropped at the end;
- a Redis server of its own, on a port of its own (so that it can be restarted: the machine's is never
  touched), keeping nothing on disk;
- a local S3 server (moto) for the files: no two processes share a disk (each has a folder of its own);
- the README's production steps (the ``python ...`` lines of its "Running in production" block), with
  production settings, then the demo data;
- the processes of ``Procfile``: gunicorn (2 workers), the publisher, two render workers and beat;
- nginx (Debian's, ``scripts/install-nginx.sh``) in front, with ``deploy/nginx/`` as shipped.

Then it schedules the demo's PEEL 2017 programme to go live, kills a render worker mid-render (and
starts it again, as systemd would), restarts Redis while the renders run, and polls every scheduled
report's page through nginx until all are public. It prints, and fails (exit 1) unless all hold:

- every report public, and none before its moment (the embargo);
- the go-live lag: from the moment to the last report public (each report's first 200);
- errors: answers of 5xx, or failed connections, from nginx during the go-live;
- lost or doubled work: a scheduled report not published within two minutes, a report published twice,
  or an edition with other than one PDF (two for a Welsh force's) in the bucket.

Bounded: it stops by itself after ``--timeout`` seconds (600).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import http.client
import os
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = ROOT / "bench" / "out" / "rehearsal"
DATABASE = "inspectorate_rehearsal"
BUCKET = "inspectorate-rehearsal"
PROGRAMME_YEAR = 2017
#: How far ahead the programme is scheduled: time for its renders, the worker's death and Redis's restart.
LEAD_SECONDS = 75
HOST = "inspectorate.example"


class RehearsalError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def answers(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def wait(condition: Any, seconds: float, what: str, interval: float = 0.2) -> None:
    until = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > until:
            raise RehearsalError(f"gave up after {seconds:.0f} s waiting for {what}")
        time.sleep(interval)


@dataclass
class Processes:
    """Every process the rehearsal starts, stopped by PID (each in a session of its own, so its children go
    with it). Those started ``supervised`` are started again whenever they exit, a second later, as
    systemd's ``Restart=always`` does in deploy/systemd/; ``restarts`` counts them."""

    running: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    how: dict[str, tuple[list[str], dict[str, str], Path]] = field(default_factory=dict)
    restarts: dict[str, int] = field(default_factory=dict)
    stopping: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start(
        self, name: str, command: list[str], env: dict[str, str], cwd: Path, *, supervised: bool = False
    ) -> subprocess.Popen[bytes]:
        cwd.mkdir(parents=True, exist_ok=True)
        log = (WORK / f"{name}.log").open("ab")
        process = subprocess.Popen(  # noqa: S603 - our own commands
            command, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        with self.lock:
            self.running[name] = process
            if supervised:
                self.how[name] = (command, env, cwd)
        return process

    def supervise(self) -> None:
        """Start the supervisor's thread."""
        threading.Thread(target=self._watch, daemon=True).start()

    def _watch(self) -> None:
        while not self.stopping.wait(0.5):
            with self.lock:
                exited = [n for n, p in self.running.items() if n in self.how and p.poll() is not None]
            for name in exited:
                time.sleep(1)  # RestartSec
                if self.stopping.is_set():
                    return
                self.restarts[name] = self.restarts.get(name, 0) + 1
                print(f"  {name} exited: started again (as systemd would)", flush=True)
                command, env, cwd = self.how[name]
                self.start(name, command, env, cwd, supervised=True)

    def crash(self, name: str) -> None:
        """SIGKILL a supervised process: the supervisor starts it again."""
        process = self.running[name]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        with self.lock:
            process = self.running.pop(name, None)
            self.how.pop(name, None)
        if process is not None and process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, sig)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)

    def stop_all(self) -> None:
        self.stopping.set()
        for name in list(self.running):
            self.kill(name, signal.SIGTERM)


def readme_production_steps() -> list[str]:
    """The ``python ...`` lines of the README's production block: the steps a release runs."""
    text = (ROOT / "README.md").read_text()
    section = text[text.index("## Running in production") :]
    block = section[section.index("```sh") + 5 : section.index("```", section.index("```sh") + 5)]
    steps = []
    for line in block.splitlines():
        line = line.split("#", 1)[0].strip()
        for part in line.split("&&"):
            part = part.strip()
            if part.startswith("python "):
                steps.append(part)
    if not steps:
        raise RehearsalError("the README's production block has no python steps: has it moved?")
    return steps


def procfile() -> dict[str, list[str]]:
    commands = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.strip():
            name, _, command = line.partition(":")
            commands[name.strip()] = shlex.split(command.strip())
    return commands


def postgres(dbname: str = "postgres") -> Any:
    import psycopg2

    connection = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname=dbname)
    connection.autocommit = True
    return connection


def recreate_database() -> None:
    with contextlib.closing(postgres()) as connection, connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {DATABASE}")


def drop_database() -> None:
    with contextlib.closing(postgres()) as connection, connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


class Redis:
    def __init__(self, processes: Processes) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not Path(binary).exists():
            raise RehearsalError("redis-server is not installed (Debian's redis-server package)")
        self.binary, self.port, self.processes = binary, free_port(), processes

    def start(self) -> None:
        command = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.processes.start("redis", command, dict(os.environ), WORK / "redis")
        wait(lambda: answers(self.port), 10, "Redis to answer", 0.05)

    def restart(self) -> None:
        self.processes.kill("redis")  # as a crash: nothing kept
        time.sleep(0.5)
        self.start()


def environment(redis_port: int, s3_port: int) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CELERY_", "AWS_", "REDIS", "DATABASE"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "inspectorate.settings.production",
            "DJANGO_SECRET_KEY": "rehearsal-only-secret-never-used-anywhere-else-0123456789",
            "DJANGO_ALLOWED_HOSTS": f"{HOST},127.0.0.1",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
            "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
            "AWS_STORAGE_BUCKET_NAME": BUCKET,
            "AWS_S3_ENDPOINT_URL": f"http://127.0.0.1:{s3_port}",
            "AWS_S3_REGION_NAME": "eu-west-2",
            "AWS_ACCESS_KEY_ID": "rehearsal",
            "AWS_SECRET_ACCESS_KEY": "rehearsal",
            "DJANGO_STATIC_ROOT": str(WORK / "static"),
            "TRUSTED_PROXIES": "127.0.0.1",
            "HEALTHZ_TOKEN": "rehearsal",
            "SITE_URL": f"https://{HOST}",
            "DJANGO_LOG_LEVEL": "WARNING",  # each process's log is in bench/out/rehearsal/; the run prints its own
            "PYTHONPATH": str(ROOT),
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        }
    )
    return env


def own_folder(env: dict[str, str], name: str) -> dict[str, str]:
    """A process's own var folder: nothing on disk is shared between processes."""
    return {
        **env,
        "DJANGO_VAR_DIR": str(WORK / "disks" / name / "var"),
        "DJANGO_MEDIA_ROOT": str(WORK / "disks" / name / "media"),
    }


@dataclass
class Poll:
    """Who was public when, as nginx answered, and what went wrong."""

    first_public: dict[str, float] = field(default_factory=dict)
    early: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: int = 0


def poll_pages(port: int, slugs: list[str], moment: float, until: float, poll: Poll, context: ssl.SSLContext) -> None:
    """Ask nginx for each report's page, round after round, until all are public or ``until``."""
    while time.time() < until and len(poll.first_public) < len(slugs):
        for slug in slugs:
            if slug in poll.first_public:
                continue
            asked = time.time()
            try:
                connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=10)
                connection.request("GET", f"/reports/{slug}/", headers={"Host": HOST})
                response = connection.getresponse()
                response.read()
                connection.close()
            except OSError as error:
                poll.errors.append(f"{slug}: {error}")
                continue
            poll.requests += 1
            if response.status >= 500:
                poll.errors.append(f"{slug}: {response.status}")
            elif response.status == 200:
                if asked < moment:
                    poll.early.append(slug)
                poll.first_public[slug] = time.time()
        time.sleep(0.05)


def run(args: argparse.Namespace) -> bool:
    import logging

    import boto3
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # the S3 server's access log

    from deploy.local_nginx import site_in

    if WORK.exists():
        shutil.rmtree(WORK)
    WORK.mkdir(parents=True)
    deadline = time.monotonic() + args.timeout
    processes = Processes()
    s3 = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port())
    nginx_binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx_binary).exists():
        raise RehearsalError("nginx is not installed: run scripts/install-nginx.sh")
    try:
        print("Setting up: a database, Redis and S3 of the rehearsal's own...", flush=True)
        recreate_database()
        redis = Redis(processes)
        redis.start()
        s3.start()
        s3_port = s3._server.server_port  # type: ignore[union-attr]
        boto3.client(
            "s3",
            endpoint_url=f"http://127.0.0.1:{s3_port}",
            region_name="eu-west-2",
            aws_access_key_id="rehearsal",
            aws_secret_access_key="rehearsal",  # noqa: S106 - the local S3 server's, for this run only
        ).create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
        env = environment(redis.port, s3_port)
        for step in readme_production_steps():
            print(f"README: {step}", flush=True)
            subprocess.run(  # noqa: S603 - the README's own steps
                shlex.split(step),
                env=own_folder(env, "release"),
                cwd=ROOT,
                check=True,
                stdout=subprocess.DEVNULL,
                timeout=deadline - time.monotonic(),
            )
        print("Demo data: python manage.py seed_demo", flush=True)
        subprocess.run(
            [sys.executable, "manage.py", "seed_demo"],
            env=own_folder(env, "release"),
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
            timeout=deadline - time.monotonic(),
        )

        web_port = free_port()
        commands = procfile()
        web = list(commands["web"])
        web[web.index("--bind") + 1] = f"127.0.0.1:{web_port}"  # loopback, behind nginx
        metrics = WORK / "disks" / "web" / "metrics"
        metrics.mkdir(parents=True)
        processes.start(
            "web", web, {**own_folder(env, "web"), "PROMETHEUS_MULTIPROC_DIR": str(metrics)}, ROOT, supervised=True
        )
        processes.start("publisher", commands["publisher"], own_folder(env, "publisher"), ROOT, supervised=True)
        for number in (1, 2):
            worker = [part.replace("worker@%h", f"worker{number}@%h") for part in commands["worker"]]
            processes.start(
                f"worker{number}",
                [*worker, "--concurrency", "1"],
                own_folder(env, f"worker{number}"),
                ROOT,
                supervised=True,
            )
        beat_env = {
            **own_folder(env, "scheduler"),
            "CELERY_BEAT_SCHEDULE_FILENAME": str(WORK / "disks" / "scheduler" / "beat" / "schedule"),
        }
        processes.start("scheduler", commands["scheduler"], beat_env, ROOT, supervised=True)
        processes.supervise()

        secure, plain = free_port(), free_port()
        front = WORK / "nginx"
        front.mkdir()
        conf = site_in(front, upstream_port=web_port, listen_port=secure, plain_port=plain)
        processes.start(
            "nginx", [nginx_binary, "-p", str(front), "-c", str(conf), "-g", "daemon off;"], dict(os.environ), front
        )
        context = ssl.create_default_context(cafile=str(front / "cert.pem"))
        context.check_hostname = False

        def ready() -> bool:
            try:
                connection = http.client.HTTPSConnection("127.0.0.1", secure, context=context, timeout=2)
                connection.request("GET", "/healthz/ready", headers={"Host": HOST})
                return connection.getresponse().status == 200
            except OSError:
                return False

        wait(ready, 60, "/healthz/ready through nginx")
        print("Serving: nginx -> gunicorn (2 workers); publisher, 2 render workers and beat; Redis; S3.", flush=True)

        # --- The programme, in this process, through the services, as an editor would ---------------
        os.environ.update(own_folder(env, "editor"))
        import django

        django.setup()
        from django.utils import timezone

        from accounts.models import User
        from inspections.models import Programme
        from publishing import services as publication
        from publishing.models import Edition
        from reports.models import Report, ReportEvent, ReportState

        editor = User.objects.get(email="editor@example.org")
        programme = Programme.objects.get(year=PROGRAMME_YEAR)
        moment = timezone.now().replace(microsecond=0) + datetime.timedelta(seconds=LEAD_SECONDS)
        scheduled = publication.programme_schedule(programme=programme, actor=editor, go_live_at=moment)
        slugs = [report.slug for report in scheduled]
        print(
            f"Scheduled {len(slugs)} reports of {programme} to go live at {timezone.localtime(moment):%H:%M:%S}.",
            flush=True,
        )

        # --- Faults: a render worker killed mid-render (and started again), Redis restarted ---------
        wait(
            lambda: Edition.objects.filter(report__in=scheduled, render_status=Edition.RenderStatus.RENDERING).exists(),
            60,
            "a render to start",
        )
        processes.crash("worker1")
        print("Killed render worker 1 mid-render (SIGKILL, the whole worker).", flush=True)
        time.sleep(3)
        redis.restart()
        print("Restarted Redis (it kept nothing).", flush=True)

        # --- The go-live, watched through nginx -----------------------------------------------------
        poll = Poll()
        start_polling = moment.timestamp() - 5
        while time.time() < start_polling:
            time.sleep(0.2)
        poll_pages(secure, slugs, moment.timestamp(), moment.timestamp() + 120, poll, context)

        # --- The record: lost or doubled work -------------------------------------------------------
        from django.core.files.storage import default_storage

        published = dict(Report.objects.filter(pk__in=[r.pk for r in scheduled]).values_list("slug", "state"))
        lost = [slug for slug, state in published.items() if state != ReportState.PUBLISHED]
        twice = [
            slug for slug in slugs if ReportEvent.objects.filter(report__slug=slug, action="Published").count() > 1
        ]
        # Every file in the bucket is some edition's PDF: a render done twice would leave one that none names.
        stored = {Path(name).name for name in default_storage.listdir("editions")[1]}
        every = Edition.objects.all()
        named = {Path(str(e.pdf.name)).name for e in every if e.pdf} | {
            Path(str(e.pdf_cy.name)).name for e in every if e.pdf_cy
        }
        editions = Edition.objects.filter(report__in=scheduled)
        unready = [e.report.slug for e in editions if e.render_status != Edition.RenderStatus.READY]
        extra_files = len(stored - named)
        per_report = editions.values("report").distinct().count() == editions.count()

        lags = sorted(first - moment.timestamp() for first in poll.first_public.values())
        print()
        print(f"Reports public: {len(poll.first_public)} of {len(slugs)}")
        if lags:
            print(
                f"Go-live lag: first {lags[0]:.2f} s, median {lags[len(lags) // 2]:.2f} s, last {lags[-1]:.2f} s "
                "(from the moment to each report's first 200 through nginx)"
            )
        print(f"Public before the moment: {len(poll.early)}")
        print(f"Errors (5xx or failed connections) in {poll.requests} requests: {len(poll.errors)}")
        print(f"Lost (not published): {len(lost)}; published twice: {len(twice)}; editions not ready: {len(unready)}")
        print(
            f"Files in the bucket: {len(stored)}, of which named by no edition: {extra_files}; "
            f"one edition per report: {per_report}"
        )
        print(f"Processes started again after exiting: {processes.restarts or 'none'}")
        ok = (
            len(poll.first_public) == len(slugs)
            and not poll.early
            and not poll.errors
            and not lost
            and not twice
            and not unready
            and extra_files == 0
            and per_report
        )
        for problem in poll.errors[:5] + poll.early[:5] + lost[:5] + twice[:5]:
            print(f"  {problem}")
        return ok
    finally:
        processes.stop_all()
        with contextlib.suppress(Exception):
            s3.stop()
        if not args.keep:
            with contextlib.suppress(Exception):
                drop_database()


def main() -> None:
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--timeout", type=float, default=600, help="seconds before it gives up (default 600)")
    parser.add_argument("--keep", action="store_true", help="keep the database for a look afterwards")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    timer = threading.Timer(args.timeout, lambda: os.kill(os.getpid(), signal.SIGTERM))
    timer.daemon = True
    timer.start()
    try:
        ok = run(args)
    except RehearsalError as error:
        print(f"Rehearsal failed: {error}", file=sys.stderr)
        sys.exit(1)
    print("\nRehearsal: " + ("passed" if ok else "FAILED"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
