"""The errors services raise besides Django's ``PermissionDenied`` and ``ValidationError``."""

from __future__ import annotations


class WorkflowError(Exception):
    """The report's state does not allow this action (someone else may have moved it on)."""
