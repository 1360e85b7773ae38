"""The public's data files and their dictionary. ``/data/judgments.csv`` is a contract of the product
brief: keep it stable."""

from __future__ import annotations

from django.urls import path

from public.views import data

app_name = "data"

urlpatterns = [
    path("", data.data_dictionary, name="dictionary"),
    path("judgments.csv", data.data_csv, {"name": "judgments"}, name="judgments_csv"),
    path("judgments.json", data.data_json, {"name": "judgments"}, name="judgments_json"),
    path("findings.csv", data.data_csv, {"name": "findings"}, name="findings_csv"),
    path("findings.json", data.data_json, {"name": "findings"}, name="findings_json"),
]
