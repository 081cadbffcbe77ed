"""The daily digest: one email in the person's morning listing the new tickets of the day."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from notifications.models import Delivery, EmailStatus, Notification, NotificationPreference
from notifications.rule import notifications_create_for_tickets
from notifications.sending import DAILY_DIGEST_HOUR, daily_digest_recipients
from notifications.tasks import send_digests

pytestmark = pytest.mark.django_db


def zone_where_it_is(hour: int) -> str:
    """An IANA zone whose clock shows `hour` o'clock right now (Etc/GMT-N is UTC+N)."""
    now = timezone.now()
    for offset in range(-12, 15):
        if (now.hour + offset) % 24 == hour:
            return "UTC" if offset == 0 else f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"
    raise AssertionError("every hour has a zone")


@pytest.fixture
def daily_csm(csm):
    NotificationPreference.objects.create(user=csm, delivery=Delivery.DAILY)
    return csm


def test_it_waits_for_the_persons_morning_then_sends_one_daily_digest(daily_csm, new_ticket):
    daily_csm.time_zone = zone_where_it_is((DAILY_DIGEST_HOUR + 7) % 24)  # the afternoon there
    daily_csm.save()
    tickets = [new_ticket(subject=f"Problem {i}") for i in range(2)]
    notifications_create_for_tickets(ticket_ids=[t.pk for t in tickets])
    assert set(Notification.objects.values_list("delivery", flat=True)) == {Delivery.DAILY}
    send_digests.delay()
    assert not mail.outbox  # not at once, not in the hourly digest

    daily_csm.time_zone = zone_where_it_is(DAILY_DIGEST_HOUR)  # now it is their morning
    daily_csm.save()
    assert send_digests.delay().get()["digests"] == 1
    (message,) = mail.outbox
    assert message.to == [daily_csm.email]
    assert message.subject == "2 new tickets from your accounts (daily digest)"
    assert "in the last day" in message.body and "You receive a daily digest" in message.body
    assert set(Notification.objects.values_list("email_status", flat=True)) == {EmailStatus.SENT}
    send_digests.delay()
    assert len(mail.outbox) == 1  # nothing left for tomorrow


def test_a_missed_morning_still_sends_the_digest_after_a_day(daily_csm, new_ticket):
    daily_csm.time_zone = zone_where_it_is((DAILY_DIGEST_HOUR + 2) % 24)
    daily_csm.save()
    notifications_create_for_tickets(ticket_ids=[new_ticket().pk])
    assert daily_digest_recipients() == []
    # Beat was down during their morning: after 25 hours the digest goes out anyway.
    assert daily_digest_recipients(timezone.now() + dt.timedelta(hours=25, minutes=1)) == [daily_csm.pk]


def test_the_daily_digest_choice_is_offered_and_saved(csm_client, csm):
    assert "Daily digest" in csm_client.get("/notifications/preferences/").content.decode()
    csm_client.post("/notifications/preferences/", {"delivery": "daily"})
    assert NotificationPreference.objects.get(user=csm).delivery == Delivery.DAILY
    assert "daily digest email" in csm_client.get("/notifications/").content.decode()
