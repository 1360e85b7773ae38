"""GOV.UK Notify as a Django email backend, through Notify's official Python client.

Notify sends from templates: set ``NOTIFY_TEMPLATE_ID`` to a template whose subject is ``((subject))``
and whose body is ``((body))``. Each recipient of a message is one Notify request. Notify formats
the plain-text part itself, so the HTML alternative is not sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from notifications_python_client.notifications import NotificationsAPIClient


class NotifyEmailBackend(BaseEmailBackend):
    def __init__(self, fail_silently: bool = False, **kwargs: Any) -> None:
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.client = NotificationsAPIClient(settings.NOTIFY_API_KEY, base_url=settings.NOTIFY_BASE_URL)  # type: ignore[no-untyped-call]

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        sent = 0
        for message in email_messages:
            try:
                for address in message.recipients():
                    self.client.send_email_notification(  # type: ignore[no-untyped-call]
                        email_address=address,
                        template_id=settings.NOTIFY_TEMPLATE_ID,
                        personalisation={"subject": message.subject, "body": message.body},
                        email_reply_to_id=settings.NOTIFY_REPLY_TO_ID or None,
                    )
            except Exception:
                if not self.fail_silently:
                    raise
                continue
            sent += 1
        return sent
