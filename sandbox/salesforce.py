"""The Salesforce REST subset: OAuth client credentials, SOQL queries, sObject reads/writes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

from . import schema as fschema
from . import soql
from .sfstore import SCHEMAS, SFError, SFStore
from .state import State
from .web import Request, Response, Router, json_response

SESSION_EXPIRED = [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]
VERSION = r"v(?P<version>\d+\.\d)"
ORG_ID = "00D8d000000sbxAEAQ"


def sf_error(status: int, code: str, message: str, fields: list | None = None) -> Response:
    body: dict = {"message": message, "errorCode": code}
    if fields is not None:
        body["fields"] = fields
    return json_response([body], status)


def register(router: Router, state: State) -> None:
    store = state.sf

    def add(method: str, pattern: str, handler, auth: bool = True) -> None:
        def run(req: Request, **kw) -> Response:
            if auth and not _authorised(req, state):
                return json_response(SESSION_EXPIRED, 401)
            if auth:
                store.api_requests += 1
            try:
                return handler(req, store, **kw)
            except SFError as exc:
                return sf_error(
                    exc.status, exc.code, exc.message, [] if exc.code == "INVALID_FIELD" else None
                )

        router.add(method, pattern, run)

    router.add("POST", r"/services/oauth2/token", lambda req: token(req, state))
    add("GET", r"/services/data/?", versions, auth=False)
    add("GET", rf"/services/data/{VERSION}/?", resources)
    add("GET", rf"/services/data/{VERSION}/(?P<kind>query|queryAll)/?", query)
    add(
        "GET",
        rf"/services/data/{VERSION}/(?P<kind>query|queryAll)/(?P<locator>01g[\w]+)-(?P<offset>\d+)",
        query_more,
    )
    add("GET", rf"/services/data/{VERSION}/sobjects/(?P<sobject>\w+)/describe/?", describe)
    add("GET", rf"/services/data/{VERSION}/limits/?", limits)
    add("POST", rf"/services/data/{VERSION}/sobjects/(?P<sobject>\w+)/?", create)
    add("GET", rf"/services/data/{VERSION}/sobjects/(?P<sobject>\w+)/(?P<record_id>\w{{15,18}})/?", read)
    add("PATCH", rf"/services/data/{VERSION}/sobjects/(?P<sobject>\w+)/(?P<record_id>\w{{15,18}})/?", update)
    add("DELETE", rf"/services/data/{VERSION}/sobjects/(?P<sobject>\w+)/(?P<record_id>\w{{15,18}})/?", delete)


def _authorised(req: Request, state: State) -> bool:
    token = req.bearer()
    return token is not None and state.sf_session_valid(token)


def token(req: Request, state: State) -> Response:
    form = req.form() if req.body else {k: v[-1] for k, v in req.query.items()}
    client_id, client_secret = form.get("client_id"), form.get("client_secret")
    basic = req.basic_auth()
    if basic and not client_id:
        client_id, client_secret = basic
    if form.get("grant_type") != "client_credentials":
        return json_response(
            {"error": "unsupported_grant_type", "error_description": "grant type not supported"}, 400
        )
    config = state.config
    if not hmac.compare_digest(client_id or "", config.sf_client_id):
        return json_response(
            {"error": "invalid_client_id", "error_description": "client identifier invalid"}, 400
        )
    if not hmac.compare_digest(client_secret or "", config.sf_client_secret):
        return json_response(
            {"error": "invalid_client", "error_description": "invalid client credentials"}, 400
        )
    access = state.sf_login()
    issued = str(int(time.time() * 1000))
    identity = f"{req.base_url}/id/{ORG_ID}/{state.world.sf_users[-2]['Id']}"
    signature = base64.b64encode(
        hmac.new(config.sf_client_secret.encode(), (identity + issued).encode(), hashlib.sha256).digest()
    ).decode()
    return json_response(
        {
            "access_token": access,
            "signature": signature,
            "scope": "api",
            "instance_url": state.foreign_urls.get("instance_url") or req.base_url,
            "id": identity,
            "token_type": "Bearer",
            "issued_at": issued,
        }
    )


def versions(req: Request, store: SFStore) -> Response:
    return json_response(
        [
            {"label": f"Release {v}", "url": f"/services/data/v{v}.0", "version": f"{v}.0"}
            for v in range(55, 63)
        ]
    )


def resources(req: Request, store: SFStore, version: str) -> Response:
    base = f"/services/data/v{version}"
    return json_response(
        {"query": f"{base}/query", "queryAll": f"{base}/queryAll", "sobjects": f"{base}/sobjects"}
    )


def _page_size(req: Request, store: SFStore) -> int:
    size = store.state.config.sf_page_size
    option = req.headers.get("sforce-query-options", "")
    for part in option.split(","):
        name, _, value = part.strip().partition("=")
        if name.lower() == "batchsize" and value.isdecimal():
            size = max(200, min(2000, int(value)))
    return size


def _page(
    req: Request, store: SFStore, version: str, kind: str, locator: str, cursor, offset: int
) -> Response:
    size = _page_size(req, store)
    records = cursor.page(offset, size)
    done = offset + len(records) >= cursor.total
    body: dict = {
        "totalSize": cursor.total,
        "done": done,
        "records": [
            store.serialize(cursor.sobject, r, cursor.fields, version, cursor.names) for r in records
        ],
    }
    if not done:
        body["nextRecordsUrl"] = f"/services/data/v{version}/{kind}/{locator}-{offset + len(records)}"
    return json_response(body)


def query(req: Request, store: SFStore, version: str, kind: str) -> Response:
    text = req.arg("q")
    if not text:
        return sf_error(400, "MALFORMED_QUERY", "A query string has to be specified")
    try:
        cursor = store.query(text, include_deleted=kind == "queryAll")
    except soql.SOQLError as exc:
        return sf_error(400, exc.code, exc.message)
    locator = store.remember(cursor)
    return _page(req, store, version, kind, locator, cursor, 0)


def query_more(req: Request, store: SFStore, version: str, kind: str, locator: str, offset: str) -> Response:
    cursor = store.cursors.get(locator)
    if cursor is None:
        return sf_error(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
    return _page(req, store, version, kind, locator, cursor, int(offset))


def _sobject(name: str) -> str:
    found = {n.lower(): n for n in SCHEMAS}.get(name.lower())
    if found is None:
        raise SFError(
            404,
            "NOT_FOUND",
            f"The requested resource does not exist: sObject type '{name}' is not supported.",
        )
    return found


def limits(req: Request, store: SFStore, version: str) -> Response:
    """``/limits``: the org's daily API requests (Max, Remaining) and a few others, as Salesforce
    lists them."""
    most = store.state.config.sf_daily_api_requests
    return json_response(
        {
            "DailyApiRequests": {"Max": most, "Remaining": max(most - store.api_requests, 0)},
            "DailyBulkApiBatches": {"Max": 15000, "Remaining": 15000},
            "DataStorageMB": {"Max": 5120, "Remaining": 5000},
        }
    )


def describe(req: Request, store: SFStore, version: str, sobject: str) -> Response:
    name = _sobject(sobject)
    shown = fschema.sf_names(store.schema, name)
    type_names = {
        "id": "id",
        "reference": "reference",
        "string": "string",
        "picklist": "picklist",
        "email": "email",
        "phone": "phone",
        "datetime": "datetime",
        "date": "date",
        "double": "double",
        "currency": "currency",
        "boolean": "boolean",
    }
    return json_response(
        {
            "name": name,
            "label": name,
            "custom": False,
            "queryable": True,
            "createable": True,
            "updateable": True,
            "fields": [
                {
                    "name": shown.get(f, f),
                    "label": fschema.sf_label(store.schema, name, f),
                    "type": type_names[t],
                    "nillable": f != "Id",
                    "custom": f.endswith("__c"),
                }
                for f, t in SCHEMAS[name].items()
            ],
        }
    )


def read(req: Request, store: SFStore, version: str, sobject: str, record_id: str) -> Response:
    name = _sobject(sobject)
    record = store.get(name, record_id)
    if record is None:
        return sf_error(404, "NOT_FOUND", "The requested resource does not exist")
    if record.get("IsDeleted"):
        return sf_error(404, "ENTITY_IS_DELETED", "entity is deleted")
    fields = [f.strip() for f in (req.arg("fields") or "").split(",") if f.strip()] or None
    names = None
    if fields:
        lookup = {f.lower(): f for f in store.external[name]}
        unknown = [f for f in fields if f.lower() not in lookup]
        if unknown:
            return sf_error(400, "INVALID_FIELD", f"No such column '{unknown[0]}' on sobject of type {name}")
        names = [lookup[f.lower()] for f in fields]
        back = fschema.to_canonical(store.schema, name)
        fields = [back.get(f, f) for f in names]
    return json_response(store.serialize(name, record, fields, version, names))


def _body(req: Request) -> dict:
    try:
        data = req.json()
    except ValueError:
        raise SFError(400, "JSON_PARSER_ERROR", "The request body is not valid JSON") from None
    if not isinstance(data, dict):
        raise SFError(400, "JSON_PARSER_ERROR", "Expected a JSON object")
    data.pop("attributes", None)
    return data


def create(req: Request, store: SFStore, version: str, sobject: str) -> Response:
    name = _sobject(sobject)
    record = store.create(name, store.canonical(name, _body(req)))
    return json_response({"id": record["Id"], "success": True, "errors": []}, 201)


def update(req: Request, store: SFStore, version: str, sobject: str, record_id: str) -> Response:
    name = _sobject(sobject)
    store.update(name, record_id, store.canonical(name, _body(req)))
    return Response(204, b"", content_type="")


def delete(req: Request, store: SFStore, version: str, sobject: str, record_id: str) -> Response:
    store.delete(_sobject(sobject), record_id)
    return Response(204, b"", content_type="")
