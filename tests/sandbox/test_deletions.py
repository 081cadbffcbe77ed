"""Deletions in the sandbox, as Zendesk and Salesforce show them: driven with zenpy,
simple-salesforce and raw JSON over HTTPS."""

import pytest
from simple_salesforce.exceptions import SalesforceError, SalesforceResourceNotFound


def _export(zd, sandbox, kind: str) -> list[dict]:
    if kind == "users":
        url = f"{sandbox.url}/api/v2/incremental/users/cursor.json"
    else:
        url = f"{sandbox.url}/api/v2/incremental/organizations.json"
    return zd.get(url, params={"start_time": 0}).json()[kind]


def test_a_deleted_user_stays_in_the_user_export_inactive_without_email(zd, sandbox):
    user = next(u for u in sandbox.state.world.users if u["role"] == "end-user" and u["active"])
    before = next(u for u in _export(zd, sandbox, "users") if u["id"] == user["id"])
    response = zd.delete(f"{sandbox.url}/api/v2/users/{user['id']}.json")
    assert response.status_code == 200 and response.json()["user"]["active"] is False

    exported = _export(zd, sandbox, "users")
    after = next(u for u in exported if u["id"] == user["id"])
    assert after["active"] is False and after["email"] is None and after["phone"] is None
    assert after["name"] == before["name"] and after["updated_at"] > before["updated_at"]
    assert exported[-1]["id"] == user["id"]  # changed last: seen again by an incremental run
    deleted = zd.get(f"{sandbox.url}/api/v2/deleted_users.json").json()["deleted_users"]
    assert user["id"] in {u["id"] for u in deleted}
    assert zd.delete(f"{sandbox.url}/api/v2/users/{user['id']}.json").status_code == 404


def test_a_deleted_organization_stays_in_the_export_with_deleted_at_and_is_404(zd, sandbox):
    org = sandbox.state.world.orgs[0]
    assert (
        next(o for o in _export(zd, sandbox, "organizations") if o["id"] == org["id"])["deleted_at"] is None
    )
    assert zd.delete(f"{sandbox.url}/api/v2/organizations/{org['id']}.json").status_code == 204

    after = next(o for o in _export(zd, sandbox, "organizations") if o["id"] == org["id"])
    assert after["deleted_at"] and after["deleted_at"] == after["updated_at"]
    assert zd.get(f"{sandbox.url}/api/v2/organizations/{org['id']}.json").status_code == 404
    listed = zd.get(f"{sandbox.url}/api/v2/organizations.json").json()["organizations"]
    assert org["id"] not in {o["id"] for o in listed}
    assert zd.delete(f"{sandbox.url}/api/v2/organizations/{org['id']}.json").status_code == 404


@pytest.mark.parametrize("sobject", ["Account", "Contact"])
def test_a_deleted_record_is_left_out_of_query_and_returned_by_query_all(sf, sandbox, sobject):
    record_id = (sandbox.state.world.accounts if sobject == "Account" else sandbox.state.world.contacts)[0][
        "Id"
    ]
    total = sf.query(f"SELECT Id FROM {sobject}")["totalSize"]
    getattr(sf, sobject).delete(record_id)

    live = sf.query(f"SELECT Id, IsDeleted FROM {sobject}")
    assert live["totalSize"] == total - 1 and record_id not in {r["Id"] for r in live["records"]}
    every = sf.query(f"SELECT Id, IsDeleted, SystemModstamp FROM {sobject}", include_deleted=True)
    assert every["totalSize"] == total
    row = next(r for r in every["records"] if r["Id"] == record_id)
    assert row["IsDeleted"] is True
    newest = sf.query_all(
        f"SELECT Id FROM {sobject} ORDER BY SystemModstamp DESC LIMIT 1", include_deleted=True
    )
    assert newest["records"][0]["Id"] == record_id  # the deletion moved its SystemModstamp
    with pytest.raises(SalesforceResourceNotFound) as found:
        getattr(sf, sobject).get(record_id)
    assert found.value.content[0]["errorCode"] == "ENTITY_IS_DELETED"


def test_a_deleted_case_leaves_the_indexed_case_query(sf, sandbox):
    since = "2000-01-01T00:00:00Z"
    query = f"SELECT Id FROM Case WHERE SystemModstamp > {since} ORDER BY SystemModstamp"
    first = sf.query(query)["records"][0]["Id"]
    total = sf.query(query)["totalSize"]
    sf.Case.delete(first)
    assert sf.query(query)["totalSize"] == total - 1
    every = sf.query_all(query.replace("SELECT Id", "SELECT Id, IsDeleted"), include_deleted=True)
    assert every["totalSize"] == total and every["records"][-1] == {
        "attributes": every["records"][-1]["attributes"],
        "Id": first,
        "IsDeleted": True,
    }


def test_users_are_deactivated_never_deleted(sf, sandbox):
    user = sandbox.state.world.sf_users[2]
    with pytest.raises(SalesforceError) as refused:
        sf.User.delete(user["Id"])
    assert refused.value.content[0]["errorCode"] == "INVALID_OPERATION"
    with pytest.raises(SalesforceError):
        sf.query("SELECT Id, IsDeleted FROM User")  # no such field on User


def test_a_merge_deletes_the_loser_naming_the_winner_and_moves_its_contacts(sf, sandbox):
    winner, loser = sandbox.state.world.accounts[:2]
    moved = [c["Id"] for c in sandbox.state.world.contacts if c["AccountId"] == loser["Id"]]
    sandbox.state.sf.merge("Account", winner["Id"], loser["Id"])
    gone = sf.query_all(
        f"SELECT Id, IsDeleted, MasterRecordId FROM Account WHERE Id = '{loser['Id']}'", include_deleted=True
    )["records"][0]
    assert gone["IsDeleted"] is True and gone["MasterRecordId"] == winner["Id"]
    contacts = sf.query(f"SELECT Id FROM Contact WHERE AccountId = '{winner['Id']}'")["records"]
    assert set(moved) <= {c["Id"] for c in contacts}


def test_a_user_deleted_in_the_same_second_as_the_cursor_is_still_in_the_next_page(zd, sandbox, monkeypatch):
    """The export's cursor is a position in the order of changes: a user changed in the second
    the cursor stopped in comes after it, even when its id is lower than the last user's."""
    state = sandbox.state
    second = float(state.now())
    monkeypatch.setattr(state, "clock", lambda: second)  # every change below happens in one second
    lower = state.add_user("Lower Id", "lower@customer-example.org", None)
    higher = state.add_user("Higher Id", "higher@customer-example.org", None)
    assert lower["id"] < higher["id"]
    url = f"{sandbox.url}/api/v2/incremental/users/cursor.json"
    page = zd.get(url, params={"start_time": 0, "per_page": 1000}).json()
    while not page["end_of_stream"]:
        page = zd.get(page["after_url"]).json()
    assert page["users"] and page["users"][-1]["id"] == higher["id"]

    assert zd.delete(f"{sandbox.url}/api/v2/users/{lower['id']}.json").status_code == 200
    following = zd.get(page["after_url"]).json()["users"]
    assert [u["id"] for u in following] == [lower["id"]] and following[0]["active"] is False
