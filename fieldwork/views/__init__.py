"""The case file's pages: the plan, requests to the force, the evidence log, case-file audits, national
moderation, the staff's own declared links, the files (to staff only) and the force liaison's page (no
account: the link is the authority). Rules are in ``fieldwork.services`` and ``fieldwork.selectors``."""

from fieldwork.views.evidence import audit, audit_start, evidence, file_download
from fieldwork.views.moderation import moderate, moderation
from fieldwork.views.plan import conflicts, plan
from fieldwork.views.requests import force_requests, requests

__all__ = [
    "audit",
    "audit_start",
    "conflicts",
    "evidence",
    "file_download",
    "force_requests",
    "moderate",
    "moderation",
    "plan",
    "requests",
]
