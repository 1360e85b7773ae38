"""Rendered files on S3-compatible storage, as in production where web and worker machines share no
disk: a worker process (with no media folder of its own) renders to a local S3 server (moto, on
127.0.0.1), and the web side serves the PDF from there after go-live."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from http import HTTPStatus

import boto3
import pytest
from moto.server import ThreadedMotoServer

from publishing import services as publication
from publishing.models import Edition
from reports.models import Report, ReportState
from tests.conftest import start_worker, stop_worker
from tests.publishing.test_publication_faults import approved_report
from tests.waiting import wait_for

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("empty_queue", "reference_data"),
]

BUCKET = "inspectorate-test-files"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch, settings) -> Iterator[dict[str, str]]:  # type: ignore[no-untyped-def]
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    env = {
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "AWS_S3_REGION_NAME": "eu-west-2",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    client = boto3.client("s3", endpoint_url=env["AWS_S3_ENDPOINT_URL"], region_name="eu-west-2")
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    # This process (the web side) reads files from the bucket too.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": env["AWS_S3_ENDPOINT_URL"],
                "region_name": "eu-west-2",
                "default_acl": None,
                "file_overwrite": False,
            },
        },
    }
    try:
        yield env
    finally:
        server.stop()


def test_a_worker_without_shared_disk_renders_to_s3_and_the_web_serves_it(s3: dict[str, str], client, tmp_path) -> None:
    report, editor = approved_report()
    # The worker's own media folder does not exist: anything written to local disk would fail.
    worker = start_worker(name="s3-worker", DJANGO_MEDIA_ROOT=str(tmp_path / "no-such-folder" / "media"), **s3)
    try:
        publication.report_publish_now(report=report, actor=editor)  # type: ignore[arg-type]
        wait_for(
            lambda: Edition.objects.get(report=report).render_status == Edition.RenderStatus.READY,
            seconds=90,
            what="the PDF in the bucket",
        )
    finally:
        stop_worker(worker)
    edition = Edition.objects.get(report=report)
    keys = [
        item["Key"]
        for item in boto3.client("s3", endpoint_url=s3["AWS_S3_ENDPOINT_URL"], region_name="eu-west-2")
        .list_objects_v2(Bucket=BUCKET)
        .get("Contents", [])
    ]
    assert keys == [edition.pdf.name]
    assert not (tmp_path / "no-such-folder").exists()
    publication.publication_sweep()
    assert Report.objects.get(pk=report.pk).state == ReportState.PUBLISHED
    response = client.get(f"/reports/{report.slug}/pdf/")
    assert response.status_code == HTTPStatus.OK
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF-") and len(body) == edition.pdf_size
