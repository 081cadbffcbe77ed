"""Support ops presses "Sync now" and watches the sync run: queued, running with live progress
(htmx polling), then done - with a real Celery worker consuming the task."""

import re
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone
from playwright.sync_api import Page, expect

from csmportal.celery import app as celery_app
from integrations import zendesk as zendesk_client
from integrations.models import RunStatus, Stream, SyncRun, SyncState
from tests.browser.conftest import log_in, screenshot
from tickets.models import Ticket

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker():
    """A real worker (in a thread, in-memory broker): tasks are queued, not run inline."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            yield
    finally:
        celery_app.conf.task_always_eager = eager


@pytest.fixture
def slow_sandbox(make_sandbox, settings, monkeypatch):
    monkeypatch.setattr(zendesk_client, "EXPORT_PAGE", 15)  # 8 pages of tickets
    handle = make_sandbox()
    handle.state.faults.configure(rate=1.0, kinds=["slow"], slow_seconds=1.0)  # slow enough to watch
    for name, value in handle.settings().items():
        setattr(settings, name, value)
    return handle


def test_ops_syncs_tickets_now_and_watches_the_progress(page: Page, ops, slow_sandbox, worker):
    log_in(page, ops.email)
    page.goto("/sync/")
    expect(page.get_by_role("heading", name="Sync")).to_be_visible()
    row = page.locator("#stream-zendesktickets")
    expect(row).to_contain_text("Never synced")

    page.get_by_role("button", name="Sync Zendesk tickets now").click()
    expect(page.get_by_role("status")).to_contain_text("Sync of Zendesk tickets queued.")

    # The table refreshes itself: running, with records counted as pages arrive ...
    expect(row.locator(".badge.info")).to_have_text("Running", timeout=15_000)
    expect(row).to_contain_text(re.compile(r"\d+ records, \d+ pages?"), timeout=15_000)
    screenshot(page, "sync-running")
    # ... then done, with what it did.
    expect(row.locator(".badge.ok")).to_have_text("Succeeded", timeout=30_000)
    total = slow_sandbox.config.tickets
    assert Ticket.objects.count() == total
    expect(row.locator("td.num").first).to_have_text(str(total))
    expect(row.get_by_role("button", name="Sync Zendesk tickets now")).to_be_enabled()
    screenshot(page, "sync-done")


def test_a_csm_sees_the_page_without_the_buttons(page: Page, csm):
    log_in(page, csm.email)
    page.goto("/sync/")
    expect(page.get_by_role("heading", name="Records waiting for a link")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Sync"))).to_have_count(0)


def test_a_running_sync_s_bar_is_as_wide_as_its_progress(page: Page, ops):
    """The width comes from data-percent through sync.js (no style attribute under the CSP)."""
    SyncState.objects.create(stream=Stream.ZD_TICKETS, locked_until=timezone.now() + timedelta(minutes=5))
    SyncRun.objects.create(stream=Stream.ZD_TICKETS, status=RunStatus.RUNNING, fetched=40, expected=160)
    log_in(page, ops.email)
    page.goto("/sync/")
    bar = page.locator("#stream-zendesktickets .sync-progress-bar")
    expect(bar).to_have_attribute("data-percent", "25")
    expect(bar).to_have_css("width", re.compile(r"\d"))
    track, filled = page.evaluate(
        """() => {
          const bar = document.querySelector("#stream-zendesktickets .sync-progress-bar");
          return [bar.parentElement.getBoundingClientRect().width, bar.getBoundingClientRect().width];
        }"""
    )
    assert filled == pytest.approx(track / 4, abs=1)
