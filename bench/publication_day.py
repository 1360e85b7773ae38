"""Publication day: render and publish a whole programme of 43 reports with N workers, and print the
figures. Run by hand or with ``make bench-publication`` (``--workers 1 2`` by default).

What it does, in a database and broker of its own under bench/out/ (SQLite and the filesystem broker,
or PostgreSQL/Redis when DATABASE_URL / REDIS_URL are set):

1. migrates and loads the demo data, then makes every PEEL legitimacy 2017 report approved and long
   (about 30 pages, like a real report);
2. for each N: starts a real worker with N processes and its scheduler, schedules the programme,
   waits for all 43 PDFs, moves the go-live moment to a few seconds ahead, and waits until all 43
   are public;
3. in this process, renders the same 43 reports with Typst (``publishing.rendering.render_report_pdf``,
   which typesets in a child process) and with WeasyPrint as the service did before
   (``bench/weasyprint_reference``, a development-only comparison on the same content), for the ratio.

Figures: seconds per report in the pipeline (median, p95; from the edition's render start to its
stored, checked PDF), Typst's and WeasyPrint's seconds per report on the same content and their ratio
(target: Typst at most 0.1x), the programme's wall time, peak memory per worker process and of the
typesetting process, whether the worker's memory grew across the 43, and how long after go-live the
last report became visible.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"


def environment() -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "inspectorate.settings.base",
        "DJANGO_SECRET_KEY": "bench-only-secret",
        "DJANGO_VAR_DIR": str(OUT / "var"),
        "DJANGO_MEDIA_ROOT": str(OUT / "media"),
        "CELERY_BROKER_DIR": str(OUT / "broker"),
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    env.setdefault("DATABASE_URL", f"sqlite:///{OUT / 'bench.sqlite3'}")
    return env


def manage(*args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment(), check=True, stdout=subprocess.DEVNULL
    )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def rss_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


def prepare_programme() -> list[int]:
    """Make every 2017 report approved and about 30 pages long; return their ids."""
    from django.db import transaction

    from accounts.models import User
    from publishing.models import Edition
    from reports.models import Report, ReportState, Revision

    editor = User.objects.get(email="editor@example.org")
    author = User.objects.get(email="lead@example.org")
    paragraph = (
        "Demo: inspectors examined how the force records, supervises and learns from its use of powers, "
        "and found that practice varies between areas and that supervisors do not always check records. "
    ) * 5
    ids = []
    with transaction.atomic():
        for report in Report.objects.filter(inspection__programme__year=2017).select_related("inspection"):
            latest = report.latest_revision()
            content = dict(latest.content) if latest else {}
            for section in report.sections.select_related("question"):
                extra = "\n\n".join(f"### Evidence {n}\n\n{paragraph}" for n in range(1, 19))
                content[section.key] = (content.get(section.key) or f"## {section.question.text}") + "\n\n" + extra
            for key in ("summary", "key_findings", "lead_quote"):
                content.setdefault(key, f"Demo: {key.replace('_', ' ')}.")
            Edition.objects.filter(report=report).delete()
            revision = Revision.objects.create(
                report=report, number=report.version + 1, author=author, content=content, changed_parts=sorted(content)
            )
            Report.objects.filter(pk=report.pk).update(
                version=revision.number,
                state=ReportState.APPROVED,
                approved_revision=revision,
                go_live_at=None,
                judgments_signed_off_by=author,
                judgments_signed_off_at=datetime.datetime.now(datetime.UTC),
            )
            ids.append(report.pk)
        # The demo's published years have PDFs waiting to render; they are not part of publication day.
        Edition.objects.exclude(report_id__in=ids).delete()
    _ = editor
    return ids


def reset(ids: list[int]) -> None:
    from publishing.models import Edition
    from reports.models import Report, ReportState

    Edition.objects.filter(report_id__in=ids).delete()
    Report.objects.filter(pk__in=ids).update(
        state=ReportState.APPROVED, go_live_at=None, first_published_at=None, publish_problem=""
    )
    shutil.rmtree(OUT / "media" / "editions", ignore_errors=True)
    for folder in ("queue", "processed"):
        shutil.rmtree(OUT / "broker" / folder, ignore_errors=True)
        (OUT / "broker" / folder).mkdir(parents=True, exist_ok=True)


@dataclass
class RunResult:
    workers: int
    wall: float
    per_report: list[float]
    pages: list[int]
    peak_mib: dict[int, float]
    growth: dict[int, tuple[int, int]]
    visible_after: float


def run(workers: int, ids: list[int]) -> RunResult:
    from django.utils import timezone

    from accounts.models import User
    from inspections.models import Programme
    from publishing import services as publication
    from publishing.models import Edition
    from publishing.selectors import published_reports

    reset(ids)
    editor = User.objects.get(email="editor@example.org")
    programme = Programme.objects.get(year=2017)
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "inspectorate",
            "worker",
            "--beat",
            "--concurrency",
            str(workers),
            "--prefetch-multiplier",
            "1",
            "-O",
            "fair",
            "--loglevel",
            "warning",
            "--schedule",
            str(OUT / "var" / f"beat-{workers}"),
        ],
        cwd=ROOT,
        env=environment(),
    )
    peaks: dict[int, list[int]] = {}
    try:
        time.sleep(3)
        started = time.monotonic()
        publication.programme_schedule(
            programme=programme, actor=editor, go_live_at=timezone.now() + datetime.timedelta(hours=1)
        )
        editions = Edition.objects.filter(report_id__in=ids)
        done = 0
        while done < len(ids):
            for child in children(worker.pid):
                with contextlib.suppress(FileNotFoundError):  # a child that just ended
                    peaks.setdefault(child, []).append(rss_kib(child, "VmRSS"))
            done = editions.filter(render_status=Edition.RenderStatus.READY).count()
            if editions.filter(render_status=Edition.RenderStatus.FAILED).exists():
                raise RuntimeError("a render failed: see the worker's log")
            if time.monotonic() - started > 1800:
                raise RuntimeError("gave up after 30 minutes")
            time.sleep(0.5)
        wall = time.monotonic() - started
        high_water = {child: rss_kib(child, "VmHWM") for child in children(worker.pid)}
        go_live = timezone.now() + datetime.timedelta(seconds=5)
        publication.programme_schedule(programme=programme, actor=editor, go_live_at=go_live)
        while published_reports().filter(pk__in=ids).count() < len(ids):
            if timezone.now() > go_live + datetime.timedelta(minutes=5):
                raise RuntimeError("not all reports went live within 5 minutes of go-live")
            time.sleep(0.2)
        visible_after = (timezone.now() - go_live).total_seconds()
        per_report = [
            (e.rendered_at - e.render_started_at).total_seconds()
            for e in editions
            if e.rendered_at and e.render_started_at
        ]
        pages = [e.pdf_pages or 0 for e in editions]
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    growth = {child: (samples[len(samples) // 4], samples[-1]) for child, samples in peaks.items() if len(samples) > 8}
    return RunResult(
        workers=workers,
        wall=wall,
        per_report=per_report,
        pages=pages,
        peak_mib={child: kib / 1024 for child, kib in high_water.items()},
        growth=growth,
        visible_after=visible_after,
    )


@dataclass
class Comparison:
    """Seconds per report, Typst and WeasyPrint on the same content: whole renders (content, data or
    HTML, PDF) and typesetting or layout alone; and the typesetting processes' peak memory."""

    typst: list[float]
    typst_typesetting: list[float]
    weasyprint: list[float]
    weasyprint_layout: list[float]
    typesetting_peak_mib: float


def typst_and_weasyprint(ids: list[int]) -> Comparison:
    from bench.weasyprint_reference import weasyprint_seconds
    from publishing import rendering
    from reports.models import Report

    result = Comparison([], [], [], [], 0.0)
    for report in Report.objects.filter(pk__in=ids).select_related("inspection__programme", "inspection__force"):
        revision = report.approved_revision
        assert revision is not None
        typst = rendering.render_report_pdf(report, revision)
        result.typst.append(typst.seconds)
        result.typst_typesetting.append(typst.typeset_seconds)
        result.typesetting_peak_mib = max(result.typesetting_peak_mib, typst.typeset_peak_mib)
        whole, layout = weasyprint_seconds(report, revision)
        result.weasyprint.append(whole)
        result.weasyprint_layout.append(layout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()

    shutil.rmtree(OUT, ignore_errors=True)
    (OUT / "var").mkdir(parents=True)
    print("Setting up: migrate and load the demo data...", flush=True)
    manage("migrate", "--noinput")
    manage("seed_demo")
    os.environ.update(environment())
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    ids = prepare_programme()
    print(f"{len(ids)} reports of PEEL: Police legitimacy 2017, approved and long.\n", flush=True)

    results = [run(n, ids) for n in args.workers]
    comparison = typst_and_weasyprint(ids)
    base = statistics.median(comparison.weasyprint_layout)
    for name, typst, weasyprint in (
        ("whole render", comparison.typst, comparison.weasyprint),
        ("typesetting alone", comparison.typst_typesetting, comparison.weasyprint_layout),
    ):
        print(
            f"{name}, per report: Typst median {statistics.median(typst):.3f} s (p95 {percentile(typst, 0.95):.3f}),"
            f" WeasyPrint median {statistics.median(weasyprint):.3f} s (p95 {percentile(weasyprint, 0.95):.3f});"
            f" Typst / WeasyPrint {statistics.median(typst) / statistics.median(weasyprint):.3f}x"
        )
    print(f"Peak memory of a typesetting process: {comparison.typesetting_peak_mib:.0f} MiB")
    for result in results:
        median = statistics.median(result.per_report)
        print(f"\n{result.workers} worker process(es):")
        print(f"  pages per report: median {statistics.median(result.pages):.0f}")
        print(
            f"  pipeline per report: median {median:.2f} s, p95 {percentile(result.per_report, 0.95):.2f} s"
            f"  (ratio to WeasyPrint on the same content: {median / base:.2f}x)"
        )
        print(f"  whole programme rendered and checked: {result.wall:.1f} s")
        print("  peak memory per worker process: " + ", ".join(f"{mib:.0f} MiB" for mib in result.peak_mib.values()))
        print(
            "  memory from a quarter of the way in to the end: "
            + ", ".join(f"{a / 1024:.0f} -> {b / 1024:.0f} MiB" for a, b in result.growth.values())
        )
        print(f"  all 43 public {result.visible_after:.1f} s after go-live")
    if len(results) >= 2:
        print(
            f"\nWall time, {results[1].workers} workers / {results[0].workers}: {results[1].wall / results[0].wall:.2f}"
        )


if __name__ == "__main__":
    main()
