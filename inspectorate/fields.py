"""Model fields for people's words: whatever sets them (a service, the admin, a command, a bulk
create), the text is cleaned (``inspectorate.text.clean_text``) as the row is saved, so no stored text
carries a direction override or another invisible control character into a page, a PDF or a data file.
(``QuerySet.update`` writes what it is given: the services clean before they update.)

Cleaning changes nothing in the database, so migrations record each as the Django field it is stored
as: no migration, and no table rebuilt on SQLite, where triggers refer to the tables."""

from __future__ import annotations

from typing import Any

from django.db import models

from inspectorate.text import clean_text


def _cleaned(attname: str, model_instance: models.Model) -> Any:
    value = getattr(model_instance, attname)
    if isinstance(value, str):
        value = clean_text(value)
        setattr(model_instance, attname, value)
    return value


class PlainTextField(models.TextField[str, str]):
    """A ``TextField`` of someone's words, cleaned on save."""

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        return _cleaned(self.attname, model_instance)

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.TextField", args, kwargs


class PlainCharField(models.CharField[str, str]):
    """A ``CharField`` of someone's words, cleaned on save."""

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        return _cleaned(self.attname, model_instance)

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs
