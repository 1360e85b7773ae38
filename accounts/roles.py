"""The roles of the system. Each is a Django group, created and kept up to date by migrations."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    INSPECTOR = "Inspector"
    LEAD_INSPECTOR = "Lead inspector"
    EDITOR = "Editor"
    ADMINISTRATOR = "Administrator"
    TRANSLATOR = "Translator"
