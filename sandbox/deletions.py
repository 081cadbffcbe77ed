"""Deletions at the source, as Zendesk and Salesforce show them to an integration.

Zendesk (see docs/sandbox.md):
- a deleted user stays in the incremental user export with ``active: false`` and a newer
  ``updated_at``; ``email`` and ``phone`` become null (as in ``/api/v2/deleted_users``), the
  name stays; ``GET /users/{id}`` still answers with the user;
- a deleted organization stays in the incremental organization export with ``deleted_at``
  set and a newer ``updated_at``; ``GET /organizations/{id}`` answers 404 and lists leave
  it out.

Salesforce:
- a deleted (or merged-away) Account, Contact or Case gets ``IsDeleted = true`` and a new
  ``SystemModstamp``: ``queryAll`` returns it, ``query`` and the sObject endpoints do not
  (``ENTITY_IS_DELETED``); a merge also sets the loser's ``MasterRecordId`` and moves its
  children to the winner (their ``SystemModstamp`` moves too);
- a User cannot be deleted, only deactivated (``IsActive = false``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .ids import iso_z

if TYPE_CHECKING:
    from .state import State


# -- Zendesk ---------------------------------------------------------------------------------------
def delete_user(state: State, user_id: int) -> dict | None:
    """Soft-delete a Zendesk user (``DELETE /api/v2/users/{id}.json``); None if unknown."""
    with state.lock:
        user = state.world.user_by_id.get(user_id)
        if user is None:
            return None
        user.update({"active": False, "email": None, "phone": None, "updated_at": iso_z(state.now())})
        state.changed("users", user_id)
        return user


def deleted_users(state: State) -> list[dict]:
    """``/api/v2/deleted_users``: users deleted in Zendesk."""
    return [u for u in state.world.users if not u.get("active", True)]


def delete_org(state: State, org_id: int) -> dict | None:
    """Delete a Zendesk organization (``DELETE /api/v2/organizations/{id}.json``)."""
    with state.lock:
        org = state.world.org_by_id.get(org_id)
        if org is None or org.get("deleted_at"):
            return None
        stamp = iso_z(state.now())
        org.update({"deleted_at": stamp, "updated_at": stamp})
        state.changed("orgs", org_id)
        return org


def org_is_live(org: dict | None) -> bool:
    return org is not None and not org.get("deleted_at")


# -- Salesforce ------------------------------------------------------------------------------------
def sf_delete(state: State, sobject: str, record_id: str, master_id: str | None = None) -> dict:
    """Delete an Account, Contact or Case (into the recycle bin: visible to queryAll)."""
    from .sfstore import SFError

    store = state.sf
    if sobject == "User":
        raise SFError(
            400, "INVALID_OPERATION", "Users can't be deleted. Deactivate the user (IsActive = false)."
        )
    with state.lock:
        record = store.get(sobject, record_id)
        if record is None:
            raise SFError(404, "NOT_FOUND", "The requested resource does not exist")
        if record.get("IsDeleted"):
            raise SFError(404, "ENTITY_IS_DELETED", "entity is deleted")
        if sobject == "Case" and record["Id"] not in state.sf_changed["Case"]:
            record = dict(record)
            state.sf_changed["Case"][record["Id"]] = record
        record["IsDeleted"] = True
        if master_id is not None:
            record["MasterRecordId"] = master_id
        record["SystemModstamp"] = state.now()
        if sobject == "Case":
            state.cases()
            state._move_case(record["Id"])
        return record


def sf_merge(state: State, sobject: str, master_id: str, loser_id: str) -> dict:
    """Merge ``loser_id`` into ``master_id`` (Account or Contact): the loser is deleted with
    ``MasterRecordId`` naming the winner; an account's contacts move to the winner."""
    from .sfstore import SFError

    if sobject not in ("Account", "Contact"):
        raise SFError(400, "INVALID_OPERATION", f"{sobject} records can't be merged")
    store = state.sf
    with state.lock:
        master = store.get(sobject, master_id)
        if master is None or master.get("IsDeleted"):
            raise SFError(404, "NOT_FOUND", "The requested resource does not exist")
        if sobject == "Account":
            for row in list(store.lists["Contact"]):
                account = row.get("AccountId")
                if account and account[:15] == loser_id[:15] and not row.get("IsDeleted"):
                    store.update("Contact", row["Id"], {"AccountId": master["Id"]})
        return sf_delete(state, sobject, loser_id, master_id=master["Id"])


def deleted_case_keys(state: State) -> list[int]:
    """Stream keys of the deleted cases (few: only changed cases can be deleted)."""
    return [
        state.case_keys[case_id]
        for case_id, case in state.sf_changed["Case"].items()
        if case.get("IsDeleted") and case_id in state.case_keys
    ]
