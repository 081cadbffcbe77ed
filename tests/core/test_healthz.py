import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from csmportal import health
from csmportal.celery import app as celery_app
from integrations.models import Stream, SyncState

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_down():
    original = celery_app.conf.broker_url
    celery_app.conf.broker_url = "redis://127.0.0.1:9/0"  # nothing listens on the discard port
    yield
    celery_app.conf.broker_url = original


def test_it_reports_database_broker_and_sync_state(client):
    response = client.get("/healthz")
    body = json.loads(response.content)
    assert body["database"] == {"ok": True} and body["broker"] == {"ok": True}
    assert set(body["sync"]["streams"]) == set(Stream.values)
    # Nothing has synced yet: pages still work from the mirror, so this is degraded, not down.
    assert body["status"] == "degraded" and response.status_code == 200


def test_it_is_ok_when_every_stream_synced_recently(client):
    for stream in Stream.values:
        SyncState.objects.create(stream=stream, last_success_at=timezone.now(), synced_through=timezone.now())
    response = client.get("/healthz")
    body = json.loads(response.content)
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert all(s == {"ok": True} for s in body["sync"]["streams"].values())
    assert all(0 <= s["lag_seconds"] < 5 for s in health.report()["sync"]["streams"].values())


def test_it_calls_a_stream_stale_when_its_data_is_too_old(client):
    now = timezone.now()
    for stream in Stream.values:
        SyncState.objects.create(stream=stream, last_success_at=now, synced_through=now)
    # The tickets stream last ran fully an hour ago (beat runs it every minute).
    SyncState.objects.filter(stream=Stream.ZD_TICKETS).update(synced_through=now - timedelta(hours=1))
    body = json.loads(client.get("/healthz").content)
    assert body["status"] == "degraded"
    assert body["sync"]["stale"] == [Stream.ZD_TICKETS]
    assert body["sync"]["streams"][Stream.ZD_TICKETS] == {"ok": False}
    assert health.report()["sync"]["streams"][Stream.ZD_TICKETS]["lag_seconds"] >= 3600


def test_it_answers_503_when_the_broker_is_unreachable(client, broker_down):
    response = client.get("/healthz")
    body = json.loads(response.content)
    assert response.status_code == 503
    assert body["status"] == "down" and body["broker"] == {"ok": False}
    assert "error" in health.report()["broker"]


def test_it_tells_anyone_no_error_text_or_host_but_the_admins_sync_page_does(
    client, broker_down, admin_user, csm
):
    SyncState.objects.create(
        stream=Stream.ZD_TICKETS, last_error="GET https://acme-internal.zendesk.example/api/v2/x: 401"
    )
    text = client.get("/healthz").content.decode()
    for leak in ("error", "Error", "127.0.0.1", "acme-internal", "401", "redis", "vendor", "postgres"):
        assert leak not in text, leak
    # Logged in as an admin, the sync page says what is wrong.
    admin_client, csm_client = Client(), Client()
    admin_client.force_login(admin_user)
    csm_client.force_login(csm)
    page = admin_client.get("/sync/").content.decode()
    assert "127.0.0.1:9" in page and "acme-internal.zendesk.example" in page
    # The database and broker details are the admins' part of the page.
    assert "127.0.0.1:9" not in csm_client.get("/sync/").content.decode()
