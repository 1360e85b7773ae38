"""Publication: scheduling (the embargo), rendering PDFs, going live, corrections, withdrawal, press
releases and the Police and Crime Commissioner's response.

The database is the source of truth for what must be rendered and published; the broker only gets the
work done sooner. Every function here is safe to run twice and from two workers at once:

- ``edition_render`` renders outside any transaction, then keeps its file only if, under a row lock,
  the edition still has none (compare-and-set); a loser deletes its file. A worker killed mid-render
  leaves the edition "rendering", and the task (acknowledged late) or the sweep runs it again.
- ``publication_sweep`` re-finds pending renders and publishes every scheduled report whose go-live
  moment has come, one go-live moment at a time, all of its reports in one transaction, under row locks
  taken with ``skip_locked`` so that two sweepers never publish the same report.

Side effects (enqueueing tasks) happen on commit.

The functions live by concept in this package's modules (``approval``, ``editions``, ``golive``,
``corrections``, ``press``); this module names the ones other code calls.
"""

from publishing.services.approval import report_approve
from publishing.services.corrections import report_correct, report_withdraw
from publishing.services.editions import (
    HEARTBEAT,
    MAX_RENDER_ATTEMPTS,
    RENDER_TASK,
    RESEND_RENDER,
    STALE_RENDER,
    SWEEP_TASK,
    edition_go_live,
    edition_pdf,
    edition_prepare,
    edition_render,
    edition_retry_render,
    edition_snapshot_record,
    editions_fill_html,
    editions_lost,
    editions_needing_render,
    welsh_slug,
)
from publishing.services.golive import (
    programme_schedule,
    publication_sweep,
    report_publish_now,
    report_schedule,
    report_unschedule,
    reports_schedule,
)
from publishing.services.press import (
    pcc_response_record,
    press_release_draft,
    press_release_proposal,
    press_release_update,
    report_headline,
)

__all__ = [
    "HEARTBEAT",
    "MAX_RENDER_ATTEMPTS",
    "RENDER_TASK",
    "RESEND_RENDER",
    "STALE_RENDER",
    "SWEEP_TASK",
    "edition_go_live",
    "edition_pdf",
    "edition_prepare",
    "edition_render",
    "edition_retry_render",
    "edition_snapshot_record",
    "editions_fill_html",
    "editions_lost",
    "editions_needing_render",
    "pcc_response_record",
    "press_release_draft",
    "press_release_proposal",
    "press_release_update",
    "programme_schedule",
    "publication_sweep",
    "report_approve",
    "report_correct",
    "report_headline",
    "report_publish_now",
    "report_schedule",
    "report_unschedule",
    "report_withdraw",
    "reports_schedule",
    "welsh_slug",
]
