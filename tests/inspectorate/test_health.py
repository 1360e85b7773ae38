"""``/healthz``: 200 with every part healthy, 503 naming the part that is not."""

from __future__ import annotations

from http import HTTPStatus
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings
from django.db import OperationalError

from inspectorate import health
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db

TOKEN = "monitoring-token-for-the-tests"


@pytest.fixture(autouse=True)
def monitoring_token(settings) -> None:  # type: ignore[no-untyped-def]
    settings.HEALTHZ_TOKEN = TOKEN


def details(client):  # type: ignore[no-untyped-def]
    return client.get("/healthz", headers={"Authorization": f"Bearer {TOKEN}"})


@pytest.mark.worker
def test_healthy_with_a_real_worker(client, celery_worker_process) -> None:
    response = details(client)
    body = response.json()
    assert response.status_code == HTTPStatus.OK, body
    assert body["status"] == "ok"
    assert body["failing"] == []
    assert body["checks"]["workers"]["workers"]
    assert response["Cache-Control"].startswith("max-age=0")


def app_without_workers(tmp_path) -> Celery:  # type: ignore[no-untyped-def]
    """A Celery app on a real broker of the same kind, in a place no worker listens to."""
    app = Celery("lonely", set_as_current=False)
    if settings.CELERY_BROKER_URL.startswith("redis://"):
        app.conf.broker_url = settings.CELERY_BROKER_URL.rsplit("/", 1)[0] + "/15"
    else:
        folders = {
            key: str(tmp_path / key)
            for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder")
        }
        folders["data_folder_out"] = folders["data_folder_in"]
        for folder in folders.values():
            Path(folder).mkdir(exist_ok=True)
        app.conf.broker_url = "filesystem://"
        app.conf.broker_transport_options = folders
    return app


def test_unhealthy_without_a_worker(client, monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(health, "TIMEOUT_SECONDS", 0.5)
    monkeypatch.setattr(health, "celery_app", app_without_workers(tmp_path))
    response = details(client)
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["failing"] == ["workers"]


def test_unhealthy_when_the_broker_is_unreachable(client, monkeypatch) -> None:
    monkeypatch.setattr(health, "TIMEOUT_SECONDS", 0.5)
    monkeypatch.setattr(
        health, "celery_app", Celery("unreachable", broker="redis://127.0.0.1:1/0", set_as_current=False)
    )
    response = details(client)
    body = response.json()
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert body["failing"] == ["broker", "workers"]
    assert "error" in body["checks"]["broker"]


def test_unhealthy_when_the_database_fails(client, monkeypatch) -> None:
    def broken() -> None:
        raise OperationalError("connection refused")

    monkeypatch.setitem(health.CHECKS, "database", broken)
    monkeypatch.setitem(health.CHECKS, "workers", lambda: {"workers": ["a-worker"]})
    response = details(client)
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["failing"] == ["database"]
    assert "connection refused" in response.json()["checks"]["database"]["error"]


def test_the_details_are_for_staff_and_the_token_only(client, inspector, monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(health, "TIMEOUT_SECONDS", 0.5)
    monkeypatch.setattr(health, "celery_app", app_without_workers(tmp_path))
    anonymous = client.get("/healthz").json()
    assert set(anonymous) == {"status", "failing"} and anonymous["failing"] == ["workers"]
    wrong = client.get("/healthz", headers={"Authorization": "Bearer not-the-token"}).json()
    assert "checks" not in wrong
    assert "vendor" in details(client).json()["checks"]["database"]
    sign_in(client, inspector)
    assert "checks" in client.get("/healthz").json()
