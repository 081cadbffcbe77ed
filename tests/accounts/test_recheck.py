"""Automatic steps are re-checked after every sync (the `stream_synced` signal)."""

import pytest

from accounts.checklist_models import StepStatus
from accounts.models import Account, AccountEvent
from accounts.services.checklists import checklist_recheck
from integrations.signals import stream_synced
from tests.factories import AccountFactory, OrganizationFactory
from tests.factories.accounts import start_checklist

pytestmark = pytest.mark.django_db


def synced(stream, django_capture_on_commit_callbacks, run=None):
    with django_capture_on_commit_callbacks(execute=True):
        stream_synced.send(sender=None, stream=stream, run=run)


def status(checklist, check_key):
    return checklist.steps.get(check_key=check_key)


def test_it_turns_a_step_done_after_the_sync_that_makes_it_true_and_back(
    csm, django_capture_on_commit_callbacks
):
    account = AccountFactory(csm=csm, sold_to_email="")
    checklist = start_checklist(account, actor=csm)
    assert status(checklist, "sold_to_contact").status == StepStatus.PENDING

    Account.objects.filter(pk=account.pk).update(sold_to_email="Buyer@Customer.example")  # the sync wrote it
    synced("salesforce.accounts", django_capture_on_commit_callbacks)
    step = status(checklist, "sold_to_contact")
    assert step.status == StepStatus.DONE and step.completed_by is None and step.completed_at
    assert "Buyer@Customer.example" in step.evidence

    Account.objects.filter(pk=account.pk).update(sold_to_email="")  # gone from Salesforce
    synced("salesforce.accounts", django_capture_on_commit_callbacks)
    step = status(checklist, "sold_to_contact")
    assert step.status == StepStatus.PENDING and step.completed_at is None and step.evidence == ""
    trail = list(AccountEvent.objects.filter(account=account).order_by("id").values_list("verb", "actor"))
    assert ("checklist.step_verified", None) in trail and trail[-1] == ("checklist.step_unverified", None)


def test_it_ignores_streams_the_checks_do_not_read(csm, django_capture_on_commit_callbacks):
    account = AccountFactory(csm=csm)
    checklist = start_checklist(account, actor=csm)
    OrganizationFactory(account=account)
    synced("zendesk.tickets", django_capture_on_commit_callbacks)
    assert status(checklist, "zendesk_org").status == StepStatus.PENDING
    synced("zendesk.organizations", django_capture_on_commit_callbacks)
    assert status(checklist, "zendesk_org").status == StepStatus.DONE


def test_it_is_idempotent(csm):
    account = AccountFactory(csm=csm)
    start_checklist(account, actor=csm)
    OrganizationFactory(account=account)
    assert checklist_recheck() == 2  # the org is linked and carries a collaboration project ID
    events = AccountEvent.objects.count()
    assert checklist_recheck() == 0
    assert AccountEvent.objects.count() == events


def test_it_records_a_changed_finding_without_a_trail_line(csm):
    account = AccountFactory(csm=csm)
    checklist = start_checklist(account, actor=csm)
    org = OrganizationFactory(account=account, am_project_id="")
    checklist_recheck()
    assert "not set" in status(checklist, "collaboration_project").check_summary
    org.am_project_id = "TBD"
    org.save()
    events = AccountEvent.objects.count()
    checklist_recheck()
    step = status(checklist, "collaboration_project")
    assert step.status == StepStatus.PENDING and "“TBD”" in step.check_summary
    assert AccountEvent.objects.count() == events


def test_it_rechecks_in_the_same_number_of_queries_for_more_accounts(csm, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def prepare(n):
        for _ in range(n):
            account = AccountFactory(csm=csm)
            start_checklist(account, actor=csm)
            OrganizationFactory(account=account)

    prepare(1)
    with CaptureQueriesContext(connection) as few:
        checklist_recheck()
    prepare(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert checklist_recheck() == 10 * 2  # zendesk org + collaboration project on each new account


def test_it_skips_the_recheck_after_a_run_that_changed_nothing(csm, django_capture_on_commit_callbacks):
    from integrations.models import SyncRun

    account = AccountFactory(csm=csm)
    checklist = start_checklist(account, actor=csm)
    OrganizationFactory(account=account)
    quiet = SyncRun(stream="zendesk.organizations", created=0, updated=0, deleted=0)
    synced("zendesk.organizations", django_capture_on_commit_callbacks, run=quiet)
    assert status(checklist, "zendesk_org").status == StepStatus.PENDING
    busy = SyncRun(stream="zendesk.organizations", created=1, updated=0, deleted=0)
    synced("zendesk.organizations", django_capture_on_commit_callbacks, run=busy)
    assert status(checklist, "zendesk_org").status == StepStatus.DONE
