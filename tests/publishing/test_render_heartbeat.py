"""A render's heartbeat: an orphaned render (its worker died, whatever the broker's visibility timeout)
is found by the sweep within a minute, a live one is never rendered twice, and a render the broker
lost is asked for again, but not before a minute, so that a backlog is not sent twice at every sweep."""

from __future__ import annotations

import datetime
import socket
import threading
import time

import pytest
from django.conf import settings
from django.utils import timezone

from inspectorate.celery import app as celery_app
from publishing import services as publication
from publishing.models import Edition
from publishing.services import editions as editions_service
from tests.publishing.helpers import force, make_programme, make_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition(people, fast_pdfs) -> Edition:  # type: ignore[no-untyped-def]
    report = make_report(make_programme("Legitimacy 2016", 2016), force("kent-police"), people, state="approved")
    return report.editions.get()


def test_tasks_go_to_their_queues() -> None:
    assert celery_app.amqp.router.route({}, publication.SWEEP_TASK)["queue"].name == "publication"
    assert celery_app.amqp.router.route({}, publication.RENDER_TASK)["queue"].name == "renders"
    assert celery_app.amqp.router.route({}, "notifications.tasks.notifications_email_due_task")["queue"].name == (
        "celery"
    )


def test_an_orphaned_render_is_sent_again_once_its_heartbeat_is_stale(edition) -> None:
    now = timezone.now()
    elsewhere = "another-machine:4242"
    Edition.objects.filter(pk=edition.pk).update(
        render_status=Edition.RenderStatus.RENDERING, render_owner=elsewhere, render_heartbeat_at=now
    )
    assert edition.pk not in {e.pk for e in publication.editions_lost(now=now + datetime.timedelta(seconds=29))}
    later = now + publication.STALE_RENDER + datetime.timedelta(seconds=1)
    assert edition.pk in {e.pk for e in publication.editions_lost(now=later)}
    # Found by the sweep within a minute: 30 s without a beat, and a sweep every few seconds.
    sweep = datetime.timedelta(seconds=float(settings.CELERY_BEAT_SCHEDULE["publication-sweep"]["schedule"]))
    assert publication.STALE_RENDER + sweep <= datetime.timedelta(seconds=60)


def test_a_live_render_elsewhere_is_not_rendered_twice(edition) -> None:
    Edition.objects.filter(pk=edition.pk).update(
        render_status=Edition.RenderStatus.RENDERING,
        render_owner="another-machine:4242",
        render_heartbeat_at=timezone.now(),
    )
    assert publication.edition_render(edition_id=edition.pk).render_status == Edition.RenderStatus.RENDERING
    assert not Edition.objects.get(pk=edition.pk).pdf  # left to its owner
    # A dead owner on this machine (no such process) is taken over at once.
    Edition.objects.filter(pk=edition.pk).update(render_owner=f"{socket.gethostname()}:999999999")
    assert publication.edition_render(edition_id=edition.pk).render_status == Edition.RenderStatus.READY


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_render_beats_while_it_runs(edition, monkeypatch) -> None:
    monkeypatch.setattr(editions_service, "HEARTBEAT", datetime.timedelta(seconds=0.05))
    beats: list[datetime.datetime | None] = []
    real = editions_service._checked_pdf

    def slow(edition, language):  # type: ignore[no-untyped-def]
        time.sleep(0.3)  # several beats
        beats.append(Edition.objects.get(pk=edition.pk).render_heartbeat_at)
        return real(edition, language)

    monkeypatch.setattr(editions_service, "_checked_pdf", slow)
    before = timezone.now()
    publication.edition_render(edition_id=edition.pk)
    assert beats[0] is not None and beats[0] > before  # beaten while the first PDF was being made
    assert not [thread for thread in threading.enumerate() if thread.name.startswith("render-heartbeat")]


def test_a_pending_render_is_asked_again_only_after_a_minute(edition) -> None:
    Edition.objects.filter(pk=edition.pk).update(
        render_status=Edition.RenderStatus.PENDING, render_requested_at=timezone.now()
    )
    assert edition.pk not in {e.pk for e in publication.editions_lost()}
    later = timezone.now() + publication.RESEND_RENDER + datetime.timedelta(seconds=1)
    assert edition.pk in {e.pk for e in publication.editions_lost(now=later)}
    # Asking again moves the clock on: the sweep that follows does not ask a third time.
    before = timezone.now()
    publication.publication_sweep(now=later)
    assert Edition.objects.get(pk=edition.pk).render_requested_at >= before
    assert edition.pk not in {e.pk for e in publication.editions_lost()}
