"""The Zendesk webhook under hostile transport: arbitrary bytes, headers and content types, signed
or not. Never a 500; unsigned or wrongly signed is always 401. (The signed-JSON fuzzer lives in
tests/notifications/test_webhook.py.)"""

from __future__ import annotations

import time

import pytest
from django.conf import settings as django_settings
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from integrations.webhooks import signature_for
from sandbox.ids import iso_z

pytestmark = pytest.mark.django_db

URL = "/webhooks/zendesk/"
header_text = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x2FF), max_size=80)


@settings(
    max_examples=60, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)
@given(
    body=st.binary(max_size=2048),
    timestamp=st.one_of(header_text, st.just(None)),
    signature=st.one_of(header_text, st.just(None)),
    content_type=st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded", ""]),
)
def test_unsigned_garbage_is_refused_never_a_server_error(body, timestamp, signature, content_type):
    headers = {}
    if timestamp is not None:
        headers["HTTP_X_ZENDESK_WEBHOOK_SIGNATURE_TIMESTAMP"] = timestamp
    if signature is not None:
        headers["HTTP_X_ZENDESK_WEBHOOK_SIGNATURE"] = signature
    response = Client().post(URL, body, content_type=content_type, **headers)
    assert response.status_code in (400, 401)


@settings(
    max_examples=60, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)
@given(body=st.binary(max_size=4096), skew=st.integers(min_value=-400, max_value=400))
def test_signed_arbitrary_bytes_get_a_clear_answer(body, skew):
    timestamp = iso_z(time.time() + skew)
    signature = signature_for(django_settings.ZENDESK_WEBHOOK_SECRET, timestamp, body)
    response = Client().post(
        URL,
        body,
        content_type="application/json",
        HTTP_X_ZENDESK_WEBHOOK_SIGNATURE_TIMESTAMP=timestamp,
        HTTP_X_ZENDESK_WEBHOOK_SIGNATURE=signature,
    )
    assert response.status_code in (200, 202, 400, 503)


def test_an_oversized_body_is_refused_before_anything_else():
    body = b"{" + b" " * (300 * 1024) + b"}"
    timestamp = iso_z(time.time())
    signature = signature_for(django_settings.ZENDESK_WEBHOOK_SECRET, timestamp, body)
    response = Client().post(
        URL,
        body,
        content_type="application/json",
        HTTP_X_ZENDESK_WEBHOOK_SIGNATURE_TIMESTAMP=timestamp,
        HTTP_X_ZENDESK_WEBHOOK_SIGNATURE=signature,
    )
    assert response.status_code in (400, 413)


def test_a_superscript_digit_as_the_ticket_id_is_a_400():
    body = b'{"ticket_id": "\\u00b2"}'
    timestamp = iso_z(time.time())
    signature = signature_for(django_settings.ZENDESK_WEBHOOK_SECRET, timestamp, body)
    response = Client().post(
        URL,
        body,
        content_type="application/json",
        HTTP_X_ZENDESK_WEBHOOK_SIGNATURE_TIMESTAMP=timestamp,
        HTTP_X_ZENDESK_WEBHOOK_SIGNATURE=signature,
    )
    assert response.status_code == 400


def test_a_captured_delivery_replayed_within_the_window_enqueues_nothing(
    monkeypatch, django_capture_on_commit_callbacks
):
    queued: list[int] = []
    monkeypatch.setattr(
        "integrations.webhooks.enqueue_fetch", lambda ticket, instance="global": queued.append(ticket)
    )
    body = b'{"ticket_id": 4242}'
    timestamp = iso_z(time.time())
    headers = {
        "HTTP_X_ZENDESK_WEBHOOK_SIGNATURE_TIMESTAMP": timestamp,
        "HTTP_X_ZENDESK_WEBHOOK_SIGNATURE": signature_for(
            django_settings.ZENDESK_WEBHOOK_SECRET, timestamp, body
        ),
    }
    with django_capture_on_commit_callbacks(execute=True):
        codes = [
            Client().post(URL, body, content_type="application/json", **headers).status_code for _ in range(5)
        ]
    assert codes == [202, 200, 200, 200, 200]
    assert queued == [4242]
