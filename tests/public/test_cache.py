"""Caching of the public site (public/cache.py): validators and 304s, the shared page cache,
and its clearing on every public change, including changes made by another process."""

from __future__ import annotations

import datetime
import gzip
from http import HTTPStatus

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.test import Client

from accounts.roles import Role
from inspections.admin import ForceAdmin
from inspections.models import Force
from inspectorate import site_version
from public import cache as public_cache
from publishing import services as publication
from reports.recommendations import recommendation_update_add
from tests.publishing.helpers import force, make_programme, make_report, page, render_all
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache(settings):  # type: ignore[no-untyped-def]
    """The page cache on, at a version of its own so that no earlier test's pages are found."""
    settings.PUBLIC_CACHE_SECONDS = 300
    site_version.site_changed()
    return settings


@pytest.fixture
def published(people, fast_pdfs, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        return make_report(
            make_programme("Legitimacy 2016", 2016),
            force("west-midlands-police"),
            people,
            state="published",
            recommendation="Publish stop data.",
        )


def public_urls(report) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        "/",
        "/reports/",
        "/reports/?year=2016",
        f"/reports/{report.slug}/",
        "/forces/",
        "/forces/west-midlands-police/",
        "/programmes/test-2016-legitimacy-2016/",
        "/reports/feed/",
        "/data/",
        "/data/judgments.json",
        "/api/v1/reports/",
        "/sitemap.xml",
        "/robots.txt",
    ]


def test_public_pages_send_validators_and_answer_conditional_requests_with_304(client, published) -> None:
    for url in [*public_urls(published), "/data/judgments.csv"]:
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        assert response["Cache-Control"] == "public, max-age=60", url
        etag, last_modified = response["ETag"], response["Last-Modified"]
        assert etag.startswith('W/"'), url
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == HTTPStatus.NOT_MODIFIED, url
        assert client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == HTTPStatus.NOT_MODIFIED, url
        assert client.get(url, HTTP_IF_NONE_MATCH='W/"0"').status_code == HTTPStatus.OK, url


def test_a_public_change_changes_the_validators(client, published, people, django_capture_on_commit_callbacks) -> None:
    url = f"/reports/{published.slug}/"
    etag = client.get(url)["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        publication.report_withdraw(report=published, actor=people.editor, reason="Withdrawn for a test.")
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == HTTPStatus.GONE and response["ETag"] != etag


def test_the_page_cache_serves_a_page_without_the_database(client, page_cache, published) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for url in public_urls(published):
        first = client.get(url)
        with CaptureQueriesContext(connection) as queries:
            second = client.get(url)
        assert second.status_code == HTTPStatus.OK, url
        assert len(queries) == 0, (url, [q["sql"] for q in queries.captured_queries])
        assert second.content == first.content, url
        assert second["ETag"] == first["ETag"] and second["Cache-Control"] == first["Cache-Control"], url
        # A cached page still answers a conditional request with 304.
        assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == HTTPStatus.NOT_MODIFIED, url


def test_the_page_cache_keeps_a_compressed_copy_for_clients_that_accept_gzip(client, page_cache, published) -> None:
    url = f"/reports/{published.slug}/"
    plain = client.get(url).content
    for _ in range(2):
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        assert response["Content-Encoding"] == "gzip" and "Accept-Encoding" in response["Vary"]
        assert gzip.decompress(response.content) == plain
    assert "Content-Encoding" not in client.get(url)


@pytest.mark.parametrize("change", ["withdraw", "correct", "schedule", "recommendation update", "force renamed"])
def test_every_public_change_clears_the_cached_pages_at_once(
    client, rf, page_cache, published, people, django_capture_on_commit_callbacks, change: str
) -> None:
    from reports import services

    report_url, force_url = f"/reports/{published.slug}/", "/forces/west-midlands-police/"
    before = {url: page(client, url) for url in (report_url, force_url, "/")}
    with django_capture_on_commit_callbacks(execute=True):
        if change == "withdraw":
            publication.report_withdraw(report=published, actor=people.editor, reason="A mistake in the grades.")
        elif change == "correct":
            services.report_save_part(
                report=published,
                actor=people.inspector,
                part="summary",
                text="Corrected summary.",
                based_on=published.version,
            )
            publication.report_correct(report=published, actor=people.editor, change_note="Summary corrected.")
            render_all()
            publication.publication_sweep()
        elif change == "schedule":
            make_report(make_programme("Legitimacy 2017", 2017), force("kent-police"), people, state="scheduled")
        elif change == "recommendation update":
            recommendation = published.inspection.findings.get(text="Publish stop data.")
            recommendation_update_add(
                recommendation=recommendation,
                actor=people.editor,
                status="complete",
                comment="Done and dusted.",
                recorded_on=datetime.date(2017, 6, 1),
            )
        else:  # through the admin's save, the only door to reference data
            renamed = Force.objects.get(slug="west-midlands-police")
            renamed.name = "West Midlands Police Service"
            ForceAdmin(Force, admin.site).save_model(rf.post("/admin/"), renamed, None, change=True)
    if change == "withdraw":
        response = client.get(report_url)
        assert response.status_code == HTTPStatus.GONE and "A mistake in the grades." in response.content.decode()
        assert published.slug not in page(client, "/")
    elif change == "correct":
        assert "Corrected summary." in page(client, report_url) and "Summary corrected." in page(client, report_url)
    elif change == "schedule":
        assert "Legitimacy 2017: 1 report" in page(client, "/") and "Legitimacy 2017" not in before["/"]
    elif change == "recommendation update":
        assert "Done and dusted." in page(client, force_url) and "Done and dusted." not in before[force_url]
    else:
        assert "West Midlands Police Service" in page(client, force_url)


def test_drafting_does_not_clear_the_cache(client, page_cache, published, people, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    from reports import services

    programme = make_programme("Legitimacy 2017", 2017)
    version = cache.get(site_version.VERSION_KEY)
    with django_capture_on_commit_callbacks(execute=True):
        make_report(programme, force("kent-police"), people, state="in_review")
        services.report_save_part(
            report=published, actor=people.inspector, part="summary", text="Draft of a fix.", based_on=published.version
        )
    assert cache.get(site_version.VERSION_KEY) == version


def test_signed_in_users_are_never_served_or_given_a_shared_page(client, page_cache, published, make_user) -> None:
    url = f"/reports/{published.slug}/"
    anonymous = client.get(url)
    assert anonymous["Cache-Control"] == "public, max-age=60"
    staff = Client()
    sign_in(staff, make_user(Role.EDITOR))
    response = staff.get(url)
    body = response.content.decode()
    assert "Sign out" in body and "Sign out" not in anonymous.content.decode()
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    # And what the signed-in user saw was not kept for the next anonymous reader.
    assert "Sign out" not in client.get(url).content.decode()


def test_not_found_is_never_kept_by_anything_in_front(client, page_cache) -> None:
    response = client.get("/reports/not-published-yet/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "no-cache" in response["Cache-Control"]


def test_a_cache_that_cannot_be_reached_costs_speed_not_pages(client, page_cache, published, monkeypatch) -> None:
    def down(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get_many", down)
    monkeypatch.setattr(cache, "get", down)
    monkeypatch.setattr(cache, "set", down)
    for url in public_urls(published):
        assert client.get(url).status_code == HTTPStatus.OK, url
    site_version.site_changed()  # logs, does not raise


def test_every_public_page_is_under_a_path_the_page_cache_looks_at() -> None:
    from tests.public.test_embargo_walk import PUBLIC_NAMES, PUBLIC_NAMESPACES, public_patterns

    for namespace, route, pattern in public_patterns():
        if namespace in PUBLIC_NAMESPACES or pattern.name in PUBLIC_NAMES:
            if pattern.name == "api_not_found":
                continue  # not a page: a JSON 404, never kept
            path = "/" + route.replace("<slug:slug>", "x").replace("<int:number>", "1")
            assert public_cache.may_be_public(path), route
    for path in ("/workspace/", "/accounts/login/", "/admin/", "/healthz", "/fact-check/abc/", "/static/x.css"):
        assert not public_cache.may_be_public(path), path


def test_each_process_serves_from_its_memory_and_sees_another_process_change_within_the_window(
    client, page_cache, published, monkeypatch
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    page_cache.PUBLIC_VERSION_SECONDS = 30
    url = f"/reports/{published.slug}/"
    first = client.get(url)
    calls = []
    real_get_many = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys: calls.append(keys) or real_get_many(keys))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).content == first.content
    assert not calls and not queries.captured_queries  # neither the cache nor the database was asked

    # Another process moves the version on: this one notices once its window is over, not before.
    cache.set(site_version.VERSION_KEY, 1.0, timeout=None)
    assert client.get(url)["ETag"] == first["ETag"]
    monkeypatch.setattr(site_version._memory, "read_at", site_version._memory.read_at - 31)
    assert client.get(url)["ETag"] == 'W/"1.000000"'
    # A change made in this process counts at once.
    site_version.site_changed()
    assert client.get(url)["ETag"] not in (first["ETag"], 'W/"1.000000"')


def test_a_cached_page_never_skips_the_https_redirect(client, page_cache, published) -> None:
    page_cache.SECURE_SSL_REDIRECT = True
    url = f"/reports/{published.slug}/"
    assert client.get(url, secure=True).status_code == HTTPStatus.OK  # kept for https readers
    response = client.get(url)
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY and response["Location"].startswith("https://")


def test_made_up_query_strings_do_not_fill_the_cache(client, page_cache, published) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for url in ("/data/judgments.csv?x=1", "/reports/?utm_source=feed"):
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == HTTPStatus.OK
        assert queries.captured_queries, url  # answered afresh: nothing was kept for it


def test_a_read_that_a_change_overtook_does_not_put_the_old_version_back() -> None:
    memory = site_version._ProcessMemory()
    assert memory.remember_version(1.0)
    before = memory.version
    # Meanwhile, this process publishes or withdraws something: the version moves on to 2.
    assert memory.remember_version(2.0)
    memory.remember_page("k", (2.0, 200, [], b"new"))
    # The slower read, begun at version 1, comes back with what it saw then: it changes nothing.
    assert not memory.remember_version(1.0, read_over=before)
    assert memory.version == 2.0 and memory.pages == {"k": (2.0, 200, [], b"new")}
    memory.remember_page("old", (1.0, 200, [], b"old"))  # a page of another version is never kept
    memory.remember_page("big", (2.0, 200, [], b"x" * (memory.MAX_PAGE_BYTES + 1)))  # nor a data file
    assert set(memory.pages) == {"k"}
