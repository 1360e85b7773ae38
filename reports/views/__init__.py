"""The workspace's views of reports, by concept: ``dashboard``, ``drafting`` (parts, history,
comparison), ``record`` (judgments, findings, earlier findings), ``review`` (review, comments and the
transitions), ``fact_check`` and ``trail`` (the audit trail); ``common`` holds what they share.
Publishing's pages are in ``publishing.views``; the public's in ``public.views``."""
