"""Fieldwork's writes: the plan, conflicts of interest, requests to the force and the liaison's answers,
the evidence log, case-file audits and national moderation. Every door (pages, admin, commands, tasks)
calls these. Each is one transaction, checks who may act, and leaves an event in the inspection's audit
trail. Errors: ``PermissionDenied`` (who), ``ValidationError`` (what was entered, with the message to
show), ``WorkflowError`` (when: a closed link, a settled record).
"""

from fieldwork.services.evidence import case_file_answers_record, case_file_audit_start, evidence_log
from fieldwork.services.moderation import Moderated, grade_moderate
from fieldwork.services.plan import (
    conflict_declare,
    conflict_exception_grant,
    phase_set,
    team_member_add,
    team_member_remove,
)
from fieldwork.services.requests import (
    LIAISON_LINK_WORKING_DAYS,
    force_request_add,
    force_request_close,
    liaison_link_issue,
    liaison_link_revoke,
    request_answer,
    requests_overdue_remind,
)
from fieldwork.services.retention import retention_apply

__all__ = [
    "LIAISON_LINK_WORKING_DAYS",
    "Moderated",
    "case_file_answers_record",
    "case_file_audit_start",
    "conflict_declare",
    "conflict_exception_grant",
    "evidence_log",
    "force_request_add",
    "force_request_close",
    "grade_moderate",
    "liaison_link_issue",
    "liaison_link_revoke",
    "phase_set",
    "request_answer",
    "requests_overdue_remind",
    "retention_apply",
    "team_member_add",
    "team_member_remove",
]
