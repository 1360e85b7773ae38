"""Opening a page changes nothing: every workspace and publishing page of a report in every state,
opened by each role that may, leaves every table as it was (the press-release page used to create a
row on a GET, and six at once gave duplicate-key errors)."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse

from reports.translations import is_bilingual
from tests.publishing.helpers import force, make_programme, make_report
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db

STATES = ("draft", "in_review", "approved", "scheduled", "published", "withdrawn")


def report_page_names() -> list[str]:
    """Every GET-able workspace or publishing URL that takes only a report's ``pk``."""
    names = []
    for namespace in ("reports", "publishing"):
        resolver = get_resolver().namespace_dict[namespace][1]
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLPattern) and set(pattern.pattern.converters) == {"pk"}:
                names.append(f"{namespace}:{pattern.name}")
    return names


def table_counts() -> dict[str, tuple[int, int | None]]:
    """(rows, largest id) of every table of the project's apps."""
    counts = {}
    for model in apps.get_models():
        if model._meta.app_label in ("inspections", "reports", "publishing", "accounts"):
            rows = model.objects.all()
            counts[model._meta.label] = (rows.count(), rows.order_by("-pk").values_list("pk", flat=True).first())
    return counts


def test_opening_any_page_writes_nothing(people, fast_pdfs, administrator, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        programme = make_programme("Legitimacy 2017", 2017)
        reports = [
            make_report(programme, force(slug), people, state=state)
            for state, slug in zip(
                STATES,
                ("kent-police", "essex-police", "surrey-police", "sussex-police", "gwent-police", "dorset-police"),
                strict=True,
            )
        ]
    names = report_page_names()
    assert {"reports:report", "reports:judgments", "publishing:press_release", "publishing:publication"} <= set(names)
    before = table_counts()
    opened = 0
    for user in (people.inspector, people.lead, people.editor, administrator):
        client = Client()
        sign_in(client, user)
        for report in reports:
            for name in names:
                if name.endswith("_csv"):
                    continue
                response = client.get(reverse(name, kwargs={"pk": report.pk}))
                if name == "reports:welsh" and not is_bilingual(report):
                    assert response.status_code == HTTPStatus.NOT_FOUND  # English only
                    continue
                assert response.status_code in (HTTPStatus.OK, HTTPStatus.FORBIDDEN, HTTPStatus.METHOD_NOT_ALLOWED), (
                    name,
                    report.state,
                )
                opened += response.status_code == HTTPStatus.OK
    assert opened > 100
    assert table_counts() == before
