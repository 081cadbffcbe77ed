"""The sandbox's Webhooks and Triggers APIs answer as Zendesk's documents say (codes, shapes, 404s),
over HTTPS, through raw requests and through zenpy's webhooks and triggers APIs."""

import json

import pytest
from zenpy.lib.api_objects import Trigger, Webhook
from zenpy.lib.exception import APIException, RecordNotFoundException

from sandbox.zdwebhooks import TEST_SECRET
from tests.sandbox.conftest import zenpy_for
from tests.sandbox.test_webhooks import Receiver, verify

HOOK = {
    "name": "Portal",
    "endpoint": "https://portal.example.com/webhooks/zendesk/",
    "http_method": "POST",
    "request_format": "json",
    "status": "active",
    "subscriptions": ["conditional_ticket_events"],
}
CREATED = {"all": [{"field": "update_type", "operator": "is", "value": "Create"}]}


@pytest.fixture
def api(sandbox):
    return f"{sandbox.url}/api/v2"


def make_hook(zd, api, **fields):
    response = zd.post(f"{api}/webhooks", json={"webhook": {**HOOK, **fields}})
    assert response.status_code == 201, response.text
    return response.json()["webhook"]


def test_webhook_create_show_update_patch_delete(zd, api):
    hook = make_hook(
        zd, api, authentication={"type": "basic_auth", "data": {"username": "u", "password": "p"}}
    )
    assert len(hook["id"]) == 26 and hook["id"].isalnum() and hook["id"].isupper()
    assert {k: hook[k] for k in HOOK} == HOOK
    assert {"created_at", "created_by", "updated_at", "updated_by"} <= hook.keys()
    assert hook["authentication"] == {"type": "basic_auth", "data": {"username": "u"}}  # never the password
    assert "signing_secret" not in hook or not hook["signing_secret"]

    assert zd.get(f"{api}/webhooks/{hook['id']}").json() == {"webhook": hook}
    put = zd.put(f"{api}/webhooks/{hook['id']}", json={"webhook": {**HOOK, "name": "Renamed"}})
    assert put.status_code == 204 and put.content == b""
    shown = zd.get(f"{api}/webhooks/{hook['id']}").json()["webhook"]
    assert shown["name"] == "Renamed" and shown["authentication"] is None  # PUT replaces
    patch = zd.patch(f"{api}/webhooks/{hook['id']}", json={"webhook": {"status": "inactive"}})
    assert patch.status_code == 204
    assert zd.get(f"{api}/webhooks/{hook['id']}").json()["webhook"]["status"] == "inactive"
    assert zd.delete(f"{api}/webhooks/{hook['id']}").status_code == 204
    for method in ("get", "put", "patch", "delete"):
        gone = getattr(zd, method)(f"{api}/webhooks/{hook['id']}", json={"webhook": HOOK})
        assert gone.status_code == 404, method
        assert gone.json()["errors"][0]["code"] == "RecordNotFound"
    assert zd.get(f"{api}/webhooks/01HZZZZZZZZZZZZZZZZZZZZZZZ/signing_secret").status_code == 404


@pytest.mark.parametrize(
    "change",
    [
        {"name": ""},
        {"endpoint": "ftp://example.com/"},
        {"endpoint": "not a url"},
        {"http_method": "TRACE"},
        {"request_format": "yaml"},
        {"status": "on"},
        {"subscriptions": ["conditional_ticket_events", "zen:event-type:ticket.created"]},
        {"subscriptions": ["zen:event-type:ticket.created"], "http_method": "PUT"},
        {"authentication": {"type": "magic"}},
    ],
)
def test_invalid_webhooks_are_refused_with_400(zd, api, change):
    response = zd.post(f"{api}/webhooks", json={"webhook": {**HOOK, **change}})
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] and zd.get(f"{api}/webhooks").json()["webhooks"] == []


def test_missing_fields_and_bad_json_are_400(zd, api):
    assert zd.post(f"{api}/webhooks", json={"webhook": {"name": "x"}}).status_code == 400
    assert (
        zd.post(f"{api}/webhooks", data=b"{", headers={"Content-Type": "application/json"}).status_code == 400
    )


def test_webhook_list_is_cursor_paginated_and_filtered(zd, api):
    made = [make_hook(zd, api, name=f"hook {n}", status="inactive" if n == 2 else "active") for n in range(5)]
    first = zd.get(f"{api}/webhooks", params={"page[size]": 2}).json()
    assert [w["id"] for w in first["webhooks"]] == [w["id"] for w in made[:2]]
    assert first["meta"]["has_more"] is True and first["links"]["next"]
    seen = [w["id"] for w in first["webhooks"]]
    page = first
    while page["meta"]["has_more"]:
        page = zd.get(page["links"]["next"]).json()
        seen += [w["id"] for w in page["webhooks"]]
    assert seen == [w["id"] for w in made]
    assert [
        w["name"] for w in zd.get(f"{api}/webhooks", params={"filter[status]": "inactive"}).json()["webhooks"]
    ] == ["hook 2"]
    assert len(zd.get(f"{api}/webhooks", params={"filter[name_contains]": "HOOK 4"}).json()["webhooks"]) == 1


def test_signing_secret_is_the_configured_one_until_reset(zd, api, sandbox):
    hook = make_hook(zd, api)
    shown = zd.get(f"{api}/webhooks/{hook['id']}/signing_secret")
    assert shown.status_code == 200
    assert shown.json() == {
        "signing_secret": {"algorithm": "sha256", "secret": sandbox.config.webhook_secret}
    }
    reset = zd.post(f"{api}/webhooks/{hook['id']}/signing_secret")
    assert reset.status_code == 201
    new = reset.json()["signing_secret"]["secret"]
    assert new != sandbox.config.webhook_secret and len(new) >= 40
    assert zd.get(f"{api}/webhooks/{hook['id']}/signing_secret").json()["signing_secret"]["secret"] == new


def test_the_test_endpoint_sends_a_signed_request_and_reports_the_answer(zd, api, sandbox):
    receiver = Receiver()
    try:
        hook = make_hook(zd, api, endpoint=receiver.url, custom_headers={"X-Team": "csm"})
        answer = zd.post(
            f"{api}/webhooks/test",
            params={"webhook_id": hook["id"]},
            json={"request": {"payload": '{"a": 1}'}},
        )
        assert answer.status_code == 200
        response = answer.json()["response"]
        assert response["status"] == 200 and isinstance(response["headers"], list)
        headers, body = receiver.received[-1]
        assert body == b'{"a": 1}' and headers["x-team"] == "csm"
        assert verify(headers, body, sandbox.config.webhook_secret)

        unsaved = zd.post(
            f"{api}/webhooks/test", json={"request": {"endpoint": receiver.url, "payload": "{}"}}
        )
        assert unsaved.status_code == 200
        headers, body = receiver.received[-1]
        assert verify(headers, body, TEST_SECRET)  # Zendesk's static secret for unsaved webhooks
    finally:
        receiver.close()
    unreachable = zd.post(f"{api}/webhooks/test", json={"request": {"endpoint": "http://127.0.0.1:9/"}})
    assert unreachable.status_code == 400 and unreachable.json()["errors"]
    unknown = zd.post(
        f"{api}/webhooks/test", params={"webhook_id": "01HZZZZZZZZZZZZZZZZZZZZZZZ"}, json={"request": {}}
    )
    assert unknown.status_code == 404
    assert zd.post(f"{api}/webhooks/test", json={}).status_code == 400


def test_trigger_create_show_list_update_delete(zd, api, sandbox):
    hook = make_hook(zd, api)
    action = [{"field": "notification_webhook", "value": [hook["id"], '{"ticket_id": "{{ticket.id}}"}']}]
    created = zd.post(
        f"{api}/triggers.json", json={"trigger": {"title": "New", "conditions": CREATED, "actions": action}}
    )
    assert created.status_code == 201
    trigger = created.json()["trigger"]
    assert isinstance(trigger["id"], int) and trigger["url"] == f"{api}/triggers/{trigger['id']}.json"
    assert trigger["active"] is True and trigger["title"] == trigger["raw_title"] == "New"
    assert trigger["conditions"] == {**CREATED, "any": []} and trigger["actions"] == action
    assert {"position", "category_id", "created_at", "updated_at", "description", "default"} <= trigger.keys()

    assert zd.get(f"{api}/triggers/{trigger['id']}.json").json() == {"trigger": trigger}
    listed = zd.get(f"{api}/triggers.json").json()
    assert [t["id"] for t in listed["triggers"]] == [trigger["id"]] and listed["count"] == 1
    assert zd.get(f"{api}/triggers.json", params={"active": "false"}).json()["triggers"] == []
    updated = zd.put(
        f"{api}/triggers/{trigger['id']}.json", json={"trigger": {"title": "Renamed", "active": False}}
    )
    assert updated.status_code == 200
    assert updated.json()["trigger"]["title"] == "Renamed" and updated.json()["trigger"]["actions"] == action
    assert zd.delete(f"{api}/triggers/{trigger['id']}.json").status_code == 204
    for method in ("get", "put", "delete"):
        gone = getattr(zd, method)(f"{api}/triggers/{trigger['id']}.json", json={"trigger": {}})
        assert gone.status_code == 404 and gone.json()["error"] == "RecordNotFound", method


def _notify(hook_id):
    return [{"field": "notification_webhook", "value": [hook_id, "{}"]}]


@pytest.mark.parametrize(
    "make",
    [
        lambda h: {"conditions": CREATED, "actions": _notify(h)},  # no title
        lambda h: {"title": "x", "conditions": CREATED, "actions": []},
        lambda h: {"title": "x", "conditions": {}, "actions": _notify(h)},
        lambda h: {"title": "x", "actions": _notify(h)},
        lambda h: {
            "title": "x",
            "conditions": {"all": [{"field": "moon_phase", "operator": "is", "value": "full"}]},
            "actions": _notify(h),
        },
        lambda h: {
            "title": "x",
            "conditions": {"all": [{"field": "status", "operator": "sounds_like", "value": "new"}]},
            "actions": _notify(h),
        },
        lambda h: {"title": "x", "conditions": CREATED, "actions": [{"field": "status", "value": "solved"}]},
        lambda h: {"title": "x", "conditions": CREATED, "actions": _notify("01HZZZZZZZZZZZZZZZZZZZZZZZ")},
        lambda h: {
            "title": "x",
            "conditions": CREATED,
            "actions": [{"field": "notification_webhook", "value": h}],
        },
    ],
)
def test_invalid_triggers_are_refused_with_422(zd, api, make):
    hook = make_hook(zd, api)
    response = zd.post(f"{api}/triggers.json", json={"trigger": make(hook["id"])})
    assert response.status_code == 422 and response.json()["error"] == "RecordInvalid"
    assert zd.get(f"{api}/triggers.json").json()["triggers"] == []


def test_zenpy_webhooks_and_triggers_apis_work_against_the_sandbox(sandbox, monkeypatch):
    client = zenpy_for(sandbox, monkeypatch)
    hook = client.webhooks.create(Webhook(**HOOK))
    assert [w.id for w in client.webhooks.list()] == [hook.id]
    assert client.webhooks.show_secret(hook.id).secret == sandbox.config.webhook_secret
    client.webhooks.update(hook.id, Webhook(**{**HOOK, "endpoint": "https://portal.example.com/other/"}))
    assert client.webhooks(id=hook.id).endpoint == "https://portal.example.com/other/"
    trigger = client.triggers.create(
        Trigger(
            title="t",
            conditions=CREATED,
            actions=[{"field": "notification_webhook", "value": [hook.id, "{}"]}],
        )
    )
    assert [t.id for t in client.triggers()] == [trigger.id]
    client.triggers.delete(trigger)
    client.webhooks.delete(hook)
    assert list(client.webhooks.list()) == [] and list(client.triggers()) == []
    with pytest.raises(RecordNotFoundException):
        client.triggers(id=trigger.id)
    with pytest.raises(APIException):
        client.webhooks(id=hook.id)
    assert json.loads(json.dumps(sandbox.state.webhook_deliveries)) == []
