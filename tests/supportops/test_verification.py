"""Closing the loop: after an organization sync, requests are verified and closed, or flagged."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import AccountEvent
from integrations.signals import page_synced, stream_synced
from supportops import services
from supportops.models import EventVerb, RequestStatus
from supportops.tasks import flag_stale_requests
from tests.factories import OpsRequestFactory, UserFactory
from tests.factories.supportops import NotesRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(csm, org):
    ops = UserFactory(roles=["Support ops"], email="worker@example.com")
    item = OpsRequestFactory(organization=org, requested_by=csm, requested_am_project_id="17735787")
    services.ops_request_mark_done(user=ops, ops_request=item)
    return item


def org_changed_in_zendesk(org, **fields):
    """What the org sync does: save the synced values, then say which rows changed."""
    for name, value in fields.items():
        setattr(org, name, value)
    org.save()
    page_synced.send(sender=None, stream="zendesk.organizations", created=[], updated=[org.pk], deleted=[])


def test_it_verifies_and_closes_a_correction_once_the_org_carries_the_new_am_id(
    item, org, csm, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        org_changed_in_zendesk(org, am_project_id="17735787")
    item.refresh_from_db()
    assert item.status == RequestStatus.VERIFIED and item.closed_at
    event = item.events.last()
    assert event.verb == EventVerb.VERIFIED and event.actor is None
    assert "17735787" in event.text
    audit = AccountEvent.objects.filter(account=org.account).first()
    assert audit.verb == "request.verified" and audit.actor is None
    assert [m.to for m in mail.outbox] == [[csm.email]]
    assert "verified in Zendesk and closed" in mail.outbox[0].subject


def test_it_leaves_a_request_alone_while_the_org_shows_another_id(item, org):
    org_changed_in_zendesk(org, am_project_id="99")
    item.refresh_from_db()
    assert item.status == RequestStatus.DONE


def test_it_ignores_other_streams_and_other_orgs(item, org):
    org.am_project_id = "17735787"
    org.save()
    page_synced.send(sender=None, stream="zendesk.tickets", created=[], updated=[org.pk], deleted=[])
    page_synced.send(
        sender=None, stream="zendesk.organizations", created=[], updated=[org.pk + 1000], deleted=[]
    )
    item.refresh_from_db()
    assert item.status == RequestStatus.DONE


def test_it_verifies_a_request_ops_changed_in_zendesk_without_marking_it_done(csm, org):
    item = OpsRequestFactory(organization=org, requested_by=csm, requested_am_project_id="0042")
    org_changed_in_zendesk(org, am_project_id="42")  # leading zeros don't matter
    item.refresh_from_db()
    assert item.status == RequestStatus.VERIFIED


def test_it_verifies_only_once_however_often_the_sync_repeats(item, org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        org_changed_in_zendesk(org, am_project_id="17735787")
        org_changed_in_zendesk(org, am_project_id="17735787")
        stream_synced.send(sender=None, stream="zendesk.organizations", run=None)
    assert item.events.filter(verb=EventVerb.VERIFIED).count() == 1
    assert AccountEvent.objects.filter(verb="request.verified").count() == 1


def test_it_verifies_a_notes_request_once_the_org_notes_contain_the_text(csm, org):
    notes = NotesRequestFactory(organization=org, requested_by=csm, notes="Runs on OpenShift.\nVPN first.")
    org_changed_in_zendesk(org, notes="Escalations: platform lead.\nruns on openshift. VPN   first.")
    notes.refresh_from_db()
    assert notes.status == RequestStatus.VERIFIED


def test_it_flags_a_request_done_a_day_ago_that_zendesk_still_does_not_show(
    item, org, settings_ops, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    assert services.ops_requests_flag_stale() == []  # done just now: give it a day
    item.done_at = timezone.now() - dt.timedelta(hours=25)
    item.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert flag_stale_requests.delay().get() == 1
    item.refresh_from_db()
    assert item.status == RequestStatus.FLAGGED and item.flagged_at
    event = item.events.last()
    assert event.verb == EventVerb.FLAGGED and event.actor is None
    assert "still shows collaboration project ID 123" in event.text and "instead of 17735787" in event.text
    assert AccountEvent.objects.filter(account=org.account, verb="request.flagged").count() == 1
    assert mail.outbox[0].to == ["worker@example.com", "support-ops@example.com"]
    assert flag_stale_requests.delay().get() == 0  # idempotent


def test_it_flags_stale_requests_after_each_org_sync_too(item, org):
    item.done_at = timezone.now() - dt.timedelta(days=2)
    item.save()
    stream_synced.send(sender=None, stream="zendesk.organizations", run=None)
    item.refresh_from_db()
    assert item.status == RequestStatus.FLAGGED


def test_it_closes_rather_than_flags_a_stale_request_that_zendesk_does_show(item, org):
    item.done_at = timezone.now() - dt.timedelta(days=2)
    item.save()
    org.am_project_id = "17735787"
    org.save()  # saved without a signal (say, a receiver failed): the periodic check catches it
    flag_stale_requests.delay()
    item.refresh_from_db()
    assert item.status == RequestStatus.VERIFIED


def test_it_verifies_a_flagged_request_when_the_change_finally_shows(item, org):
    item.done_at = timezone.now() - dt.timedelta(days=2)
    item.save()
    services.ops_requests_flag_stale()
    org_changed_in_zendesk(org, am_project_id="17735787")
    item.refresh_from_db()
    assert item.status == RequestStatus.VERIFIED
    assert list(item.events.values_list("verb", flat=True)) == ["done", "flagged", "verified"]


def test_it_lets_ops_pick_a_flagged_request_up_again(item, ops):
    item.done_at = timezone.now() - dt.timedelta(days=2)
    item.save()
    services.ops_requests_flag_stale()
    item.refresh_from_db()
    services.ops_request_claim(user=ops, ops_request=item)
    services.ops_request_mark_done(user=ops, ops_request=item)
    item.refresh_from_db()
    assert item.status == RequestStatus.DONE and item.claimed_by == ops
    assert services.ops_requests_flag_stale() == []  # the day starts again


def test_it_never_fails_the_sync_when_verification_breaks(item, org, monkeypatch, caplog):
    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "ops_requests_verify", broken)
    page_synced.send(sender=None, stream="zendesk.organizations", created=[], updated=[org.pk], deleted=[])
    assert "verifying support-ops requests" in caplog.text


def test_it_is_scheduled_by_beat(settings):
    from django.conf import settings as django_settings

    tasks = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert "supportops.flag_stale_requests" in tasks
