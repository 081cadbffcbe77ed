"""The Salesforce subset, driven with the real simple-salesforce client over HTTPS."""

import time

import pytest
from simple_salesforce.exceptions import (
    SalesforceExpiredSession,
    SalesforceMalformedRequest,
    SalesforceResourceNotFound,
)

from tests.sandbox.conftest import salesforce_for


def test_token_endpoint_answers_like_salesforce(sandbox):
    token = sandbox.salesforce_token()
    assert token["token_type"] == "Bearer" and token["instance_url"] == sandbox.url
    assert token["id"].startswith(f"{sandbox.url}/id/00D")


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({"client_id": "sandbox-client", "client_secret": "wrong"}, "invalid_client"),
        ({"client_id": "someone-else", "client_secret": "sandbox-client-secret"}, "invalid_client_id"),
        ({"grant_type": "password", "client_id": "sandbox-client"}, "unsupported_grant_type"),
    ],
)
def test_wrong_client_credentials_are_refused(sandbox, form, error):
    data = {"grant_type": "client_credentials", **form}
    response = sandbox.session().post(f"{sandbox.url}/services/oauth2/token", data=data)
    assert response.status_code == 400
    assert response.json()["error"] == error and response.json()["error_description"]


def test_soql_paging_yields_every_account(make_sandbox):
    handle = make_sandbox(sf_page_size=3)
    sf = salesforce_for(handle)
    first = sf.query("SELECT Id, Name FROM Account")
    assert first["done"] is False and first["totalSize"] == 8
    assert first["nextRecordsUrl"].startswith("/services/data/v59.0/query/01g")
    records = list(sf.query_all_iter("SELECT Id, Name, CSM__c, SystemModstamp FROM Account ORDER BY Name"))
    assert len(records) == 8 == len({r["Id"] for r in records})
    assert [r["Name"] for r in records] == sorted((r["Name"] for r in records), key=str.casefold)
    assert all(r["attributes"]["type"] == "Account" and len(r["Id"]) == 18 for r in records)


def test_batch_size_header_sets_the_page(sandbox, sf):
    result = sf.query("SELECT Id FROM Contact", headers={"Sforce-Query-Options": "batchSize=200"})
    assert len(result["records"]) == min(200, result["totalSize"])


def test_where_order_and_limit(sf, sandbox):
    accounts = sandbox.state.world.accounts
    cut = sorted(a["SystemModstamp"] for a in accounts)[3]
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(cut))
    result = sf.query(
        f"SELECT Id, SystemModstamp FROM Account WHERE SystemModstamp > {stamp} "
        "ORDER BY SystemModstamp DESC LIMIT 2"
    )
    assert result["totalSize"] == 2
    assert result["records"][0]["SystemModstamp"] >= result["records"][1]["SystemModstamp"]
    ids = [a["Id"] for a in accounts[:3]]
    quoted = ", ".join(f"'{i}'" for i in ids)
    result = sf.query(f"SELECT Id FROM Account WHERE Id IN ({quoted}) AND Seats__c >= 0")
    assert sorted(r["Id"] for r in result["records"]) == sorted(ids)


def test_email_match_is_case_insensitive_like_soql(sf, sandbox):
    contact = sandbox.state.world.contacts[0]
    result = sf.query(f"SELECT Id, Email FROM Contact WHERE Email = '{contact['Email'].upper()}'")
    assert [r["Id"] for r in result["records"]] == [contact["Id"]]


def test_cases_carry_the_zendesk_ticket_id(sf, sandbox):
    result = sf.query_all(
        "SELECT Id, CaseNumber, Zendesk_Ticket_ID__c, Status FROM Case "
        "WHERE SystemModstamp >= 2000-01-01T00:00:00Z ORDER BY SystemModstamp"
    )
    numbers = [r["Zendesk_Ticket_ID__c"] for r in result["records"]]
    assert 0.6 * 120 < len(numbers) < 120  # most tickets have a case
    one = sf.query(f"SELECT Id, Subject FROM Case WHERE Zendesk_Ticket_ID__c = {int(numbers[0])}")
    assert (
        one["totalSize"] == 1
        and one["records"][0]["Subject"] == sandbox.state.ticket(int(numbers[0]))["subject"]
    )


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("SELECT Id FROM Account WHERE Name = 'a' OR Name = 'b'", "MALFORMED_QUERY"),
        ("SELECT COUNT() FROM Account", "MALFORMED_QUERY"),
        ("SELECT Account.Name FROM Contact", "MALFORMED_QUERY"),
        ("SELECT Id FROM Account WHERE CreatedDate = LAST_N_DAYS:7", "MALFORMED_QUERY"),
        ("SELECT Id, Nope__c FROM Account", "INVALID_FIELD"),
        ("SELECT Id FROM Account WHERE SystemModstamp > '2026-01-01'", "INVALID_FIELD"),
        ("SELECT Id FROM Opportunity", "INVALID_TYPE"),
    ],
)
def test_unsupported_soql_fails_like_salesforce(sf, query, code):
    with pytest.raises(SalesforceMalformedRequest) as failure:
        sf.query(query)
    assert failure.value.status == 400
    assert failure.value.content[0]["errorCode"] == code


def test_create_and_update_bump_system_modstamp(sf, sandbox):
    before = sandbox.state.now()
    created = sf.Contact.create(
        {
            "LastName": "Novak",
            "Email": "New.Person@Example.com",
            "AccountId": sandbox.state.world.accounts[0]["Id"],
        }
    )
    assert created["success"] is True and created["id"].startswith("003")
    assert sf.Account.update(sandbox.state.world.accounts[1]["Id"], {"Health_Score__c": "Red"}) == 204
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(before - 1))
    changed = sf.query_all(f"SELECT Id FROM Account WHERE SystemModstamp > {stamp}")["records"]
    assert [r["Id"] for r in changed] == [sandbox.state.world.accounts[1]["Id"]]
    assert sf.Contact.get(created["id"])["Email"] == "New.Person@Example.com"
    with pytest.raises(SalesforceResourceNotFound):
        sf.Account.get("001000000000000AAA")
    with pytest.raises(SalesforceMalformedRequest):
        sf.Account.update(sandbox.state.world.accounts[1]["Id"], {"SystemModstamp": "2026-01-01T00:00:00Z"})


def test_case_update_moves_it_to_the_end(sf, sandbox):
    records = sf.query_all("SELECT Id FROM Case WHERE SystemModstamp > 2000-01-01T00:00:00Z")["records"]
    target = records[0]["Id"]
    sf.Case.update(target, {"Status": "Escalated"})
    again = sf.query_all(
        "SELECT Id, Status FROM Case WHERE SystemModstamp > 2000-01-01T00:00:00Z ORDER BY SystemModstamp"
    )["records"]
    assert len(again) == len(records)
    assert again[-1]["Id"] == target and again[-1]["Status"] == "Escalated"


def test_expired_sessions_fail_with_invalid_session_id(make_sandbox):
    handle = make_sandbox(session_ttl_seconds=0.3)
    sf = salesforce_for(handle)
    assert sf.query("SELECT Id FROM User")["totalSize"] > 0
    time.sleep(0.4)
    with pytest.raises(SalesforceExpiredSession) as failure:
        sf.query("SELECT Id FROM User")
    assert failure.value.content == [
        {"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}
    ]


def test_control_endpoint_expires_sessions(sandbox, sf, zd):
    assert zd.post(f"{sandbox.url}/_sandbox/salesforce/expire-sessions").json() == {"expired": 1}
    with pytest.raises(SalesforceExpiredSession):
        sf.query("SELECT Id FROM User")
    fresh = salesforce_for(sandbox)
    assert fresh.query("SELECT Id FROM User WHERE IsActive = true")["totalSize"] > 0


def test_demo_csms_own_accounts(sf):
    users = {u["Email"]: u for u in sf.query_all("SELECT Id, Name, Email, IsActive FROM User")["records"]}
    assert users["csm@example.com"]["Name"] == "Demo CSM"
    assert users["csm2@example.com"]["Name"] == "Second CSM"
