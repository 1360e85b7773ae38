"""``manage.py seed_demo``: load the demo data set described in the product brief. Idempotent."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.demo import DEMO_USERS
from publishing.demo import fieldwork as fieldwork_demo
from publishing.demo import inspections as demo
from publishing.demo import reports as reports_demo
from publishing.demo import welsh as welsh_demo
from publishing.demo import workspace as workspace_demo


class Command(BaseCommand):
    help = "Load the demo data set (forces, PEEL legitimacy 2015-2017, demo users). Safe to run twice."

    def handle(self, *args: Any, **options: Any) -> None:
        summary = demo.load()
        reports = reports_demo.load()
        work = workspace_demo.load()
        fieldwork = fieldwork_demo.load()
        welsh_demo.load()
        self.stdout.write(
            f"Demo data loaded: {summary.forces} forces, {summary.programmes} programmes, "
            f"{summary.inspections} inspections, {summary.judgments} judgments, {summary.findings} findings, "
            f"{reports} reports; {work['overdue_drafts']} first drafts overdue."
        )
        if fieldwork["inspections"]:
            self.stdout.write(
                f"Fieldwork: {fieldwork['evidence']} pieces of evidence, {fieldwork['requests']} requests to forces "
                f"and {fieldwork['moderated']} moderated grades across {fieldwork['inspections']} inspections."
            )
        link = fieldwork_demo.liaison_demo_link()
        if link:
            self.stdout.write(
                f"West Midlands Police's liaison answers the team's requests at {settings.SITE_URL}{link}"
            )
        self.stdout.write(f"Demo logins (password: {settings.DEMO_PASSWORD}):")
        for email, (name, role) in DEMO_USERS.items():
            self.stdout.write(f"  {email:<24} {role.value} ({name})")
        if settings.DEMO_USERS_SKIP_SECOND_FACTOR:
            self.stdout.write("They sign in without a second factor (DEMO_USERS_SKIP_SECOND_FACTOR is on).")
        else:
            self.stdout.write("Editors and administrators set up an authenticator app when they first sign in.")
