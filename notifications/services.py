"""Telling people: a notification per person and happening, written in the transaction of the change
it tells of, and emailed afterwards by Celery tasks (``notifications.tasks``), never on the request.

``notify`` is called by the services that change things. It writes the in-workspace notification
at once, so that nothing told is lost with a broker that is down, and asks for the email to go once
the transaction commits. ``notifications_email_due`` and ``digests_send`` send the emails: each
notification is claimed before it is sent and marked when it has been, so a task that runs twice, or
two that run together, send it once.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from inspectorate.celery import enqueue_on_commit
from notifications import mail
from notifications.kinds import Delivery, Kind, is_urgent
from notifications.models import Notification, NotificationSetting

if TYPE_CHECKING:
    from accounts.models import User
    from inspections.models import Inspection

logger = logging.getLogger(__name__)

SEND_TASK = "notifications.tasks.notifications_email_due_task"
DIGEST_TASK = "notifications.tasks.digests_send_task"

#: A claim older than this is taken to be from a task that died while sending; the email is sent again.
CLAIM_TIMEOUT = datetime.timedelta(minutes=10)
#: After this many failed sends an email is given up (the notification stays in the workspace).
MAX_EMAIL_ATTEMPTS = 5


def notify(
    *,
    kind: Kind,
    recipients: Iterable[User | None],
    subject: str,
    key: str,
    body: str = "",
    link: str = "",
    inspection: Inspection | None = None,
    actor: User | None = None,
) -> list[Notification]:
    """Tell each of ``recipients`` (but the ``actor``, who knows) that ``kind`` happened. ``key`` names
    the happening: telling the same key to the same person again writes nothing. Returns the new
    notifications. Call inside the transaction of the change."""
    people = {person.pk: person for person in recipients if person is not None and person.is_active}
    if actor is not None:
        people.pop(actor.pk, None)
    if not people:
        return []
    urgent = is_urgent(kind)
    chosen = dict(
        NotificationSetting.objects.filter(person_id__in=people, kind=kind).values_list("person_id", "delivery")
    )
    already = set(Notification.objects.filter(recipient_id__in=people, key=key).values_list("recipient_id", flat=True))
    created = []
    for pk in sorted(set(people) - already):
        delivery = Delivery.IMMEDIATE if urgent else chosen.get(pk, Delivery.IMMEDIATE)
        with transaction.atomic():  # a savepoint: a concurrent twin's row makes this one a no-op
            notification, made = Notification.objects.get_or_create(
                recipient_id=pk,
                key=key[:200],
                defaults={
                    "kind": kind,
                    "subject": subject[:250],
                    "body": body,
                    "link": link,
                    "inspection": inspection,
                    "urgent": urgent,
                    "delivery": delivery,
                },
            )
        if made:
            created.append(notification)
    if any(n.delivery == Delivery.IMMEDIATE for n in created):
        enqueue_on_commit(SEND_TASK, once=True)
    return created


# --- Reading ----------------------------------------------------------------------------------


def notification_open(*, notification: Notification, person: User) -> Notification:
    """``person`` opens their notification: it is read from now on."""
    if notification.recipient_id != person.pk:
        raise Notification.DoesNotExist
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def notifications_mark_all_read(*, person: User) -> int:
    return Notification.objects.filter(recipient=person, read_at__isnull=True).update(read_at=timezone.now())


def notification_settings_save(*, person: User, deliveries: dict[str, str]) -> None:
    """``person``'s choice of delivery for each kind. Urgent kinds and unknown names are ignored."""
    with transaction.atomic():
        for kind, delivery in deliveries.items():
            if kind not in Kind.values or is_urgent(kind) or delivery not in Delivery.values:
                continue
            NotificationSetting.objects.update_or_create(person=person, kind=kind, defaults={"delivery": delivery})


# --- Emailing ---------------------------------------------------------------------------------


def _claimable(now: datetime.datetime) -> Q:
    return Q(emailed_at__isnull=True, email_attempts__lt=MAX_EMAIL_ATTEMPTS) & (
        Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=now - CLAIM_TIMEOUT)
    )


def notifications_email_due(*, limit: int = 500) -> dict[str, int]:
    """Email every notification due straight away and not yet sent. Each is claimed by a conditional
    update before it is sent, and marked after: a second run, or a run beside this one, skips it."""
    sent = failed = 0
    due = Notification.objects.filter(_claimable(timezone.now()), delivery=Delivery.IMMEDIATE)
    for pk in list(due.order_by("created_at").values_list("pk", flat=True)[:limit]):
        now = timezone.now()
        if not Notification.objects.filter(_claimable(now), pk=pk).update(
            email_claimed_at=now, email_attempts=F("email_attempts") + 1
        ):
            continue  # another task has it
        notification = Notification.objects.select_related("recipient").get(pk=pk)
        if _deliver([pk], partial(mail.notification_send, notification), f"notification {pk}"):
            sent += 1
        else:
            failed += 1
    return {"sent": sent, "failed": failed}


def _deliver(pks: list[int], send: Callable[[], None], what: str) -> bool:
    """Send the claimed notifications ``pks`` by calling ``send``; mark them emailed, or, if sending
    failed, release the claim so that a later run tries again. Whether it was sent."""
    try:
        send()
    except Exception:
        logger.warning("Could not email %s; it will be tried again", what, exc_info=True)
        Notification.objects.filter(pk__in=pks).update(email_claimed_at=None)
        return False
    Notification.objects.filter(pk__in=pks).update(emailed_at=timezone.now())
    return True


def digests_send() -> dict[str, int]:
    """Email each person who chose a daily digest one message listing what they have not yet been sent."""
    sent = failed = 0
    people = (
        Notification.objects.filter(_claimable(timezone.now()), delivery=Delivery.DIGEST)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    for person_id in list(people):
        now = timezone.now()
        claimed = Notification.objects.filter(_claimable(now), delivery=Delivery.DIGEST, recipient_id=person_id)
        if not claimed.update(email_claimed_at=now, email_attempts=F("email_attempts") + 1):
            continue
        batch = list(
            Notification.objects.filter(recipient_id=person_id, email_claimed_at=now, emailed_at__isnull=True)
            .select_related("recipient")
            .order_by("created_at")
        )
        if _deliver([n.pk for n in batch], partial(mail.digest_send, batch), f"the digest of person {person_id}"):
            sent += 1
        else:
            failed += 1
    return {"sent": sent, "failed": failed}
