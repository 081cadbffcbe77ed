"""Salesforce users, accounts (with the CSM mapped to a portal user), contacts and cases.

The cursor is the newest SystemModstamp written; the next query starts ``OVERLAP`` before it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from django.db.models import Q

from accounts.models import Account, SalesforceUser
from accounts.services import account_event_record
from contacts.models import Contact
from tickets.models import Case
from users.models import User

from .. import links
from ..records import Page
from ..salesforce import OVERLAP
from ..upsert import Written, upsert
from . import account_audit, deletions
from .base import PageResult, StreamSpec


class SalesforceStream(StreamSpec):
    source = "salesforce"
    key = "sf_id"
    version = "sf_modstamp"
    sobject: str

    def pages(self, client: Any, cursor: str) -> Iterator[Page[Any]]:
        since = datetime.fromisoformat(cursor) - OVERLAP if cursor else None
        return client.pages(self.sobject, since)

    resolve: tuple[links.Link, ...] = ()  # links resolved as the rows are written

    def write(self, page: Page[Any]) -> PageResult:
        written = upsert(self.model, page.records, key="sf_id", version="sf_modstamp", links=self.resolve)
        if written:
            self.link(page, [w.pk for w in written], [w.key for w in written if w.inserted], written)
        return PageResult.from_written(written)

    def link(self, page: Page[Any], pks: list[Any], new_keys: list[Any], written: list[Written]) -> None:
        raise NotImplementedError


def relink_csms(scope: Q, *, new: Sequence[Any] = ()) -> list[Any]:
    """Account.csm from the account's CSM field (Salesforce user -> portal user by email).
    A changed CSM on an account the portal already had goes to its audit trail."""
    accounts = list(Account.objects.filter(scope).values_list("pk", "csm_id"))
    if not accounts:
        return []
    before = dict(accounts)
    changed = links.link_rows(links.A_CSM, list(before))
    fresh = set(new)
    noted = [pk for pk in changed if pk not in fresh]
    if noted:
        after = dict(Account.objects.filter(pk__in=noted).values_list("pk", "csm_id"))
        users = {
            u.pk: u
            for u in User.objects.filter(pk__in={*after.values(), *(before[p] for p in noted)} - {None})
        }
        for account in Account.objects.filter(pk__in=noted):
            old, new_csm = users.get(before[account.pk]), users.get(after[account.pk])
            account_event_record(
                account=account,
                actor=None,
                verb="sync.csm_changed",
                summary=f"CSM changed from {old or 'nobody'} to {new_csm or 'nobody'} (Salesforce)",
                detail={
                    "from": before[account.pk],
                    "to": after[account.pk],
                    "csm_sf_user_id": account.csm_sf_user_id,
                },
            )
    return changed


class SalesforceUserStream(SalesforceStream):
    name = "salesforce.users"
    model = SalesforceUser
    sobject = "User"

    def link(self, page: Page[Any], pks: list[Any], new_keys: list[Any], written: list[Written]) -> None:
        links.link_portal_users(sf_user_pks=pks)
        relink_csms(Q(csm_sf_user_id__in=[r.sf_id for r in page.records]))

    def after_run(self) -> None:
        # Portal users are invited at any time: match every Salesforce user again (a small table).
        if links.link_portal_users():
            relink_csms(~Q(csm_sf_user_id="") | Q(csm__isnull=False))


class AccountStream(SalesforceStream):
    name = "salesforce.accounts"
    model = Account
    sobject = "Account"

    def write(self, page: Page[Any]) -> PageResult:
        before = account_audit.snapshot(r.sf_id for r in page.records)
        was_deleted = deletions.deleted_before(Account, "sf_id", (r.sf_id for r in page.records))
        written = upsert(Account, page.records, key="sf_id", version="sf_modstamp")
        if written:
            self.link(page, [w.pk for w in written], [w.key for w in written if w.inserted], written)
            account_audit.record_changes(before, written, page.records)
            deletions.record_account_deletions(was_deleted, written, page.records)
        return PageResult.from_written(written)

    def link(self, page: Page[Any], pks: list[Any], new_keys: list[Any], written: list[Written]) -> None:
        relink_csms(Q(pk__in=pks), new=[w.pk for w in written if w.inserted])
        ids = [r.sf_id for r in page.records]
        moved = links.link_org_accounts(account_ids=ids)
        links.link_children(links.T_ACCOUNT, moved)
        links.link_children(links.R_ACCOUNT, moved)
        links.link_children(links.CT_ACCOUNT, new_keys)
        links.link_children(links.CS_ACCOUNT, new_keys)


class ContactStream(SalesforceStream):
    name = "salesforce.contacts"
    model = Contact
    sobject = "Contact"

    resolve = (links.CT_ACCOUNT,)

    def write(self, page: Page[Any]) -> PageResult:
        erased = deletions.people_deleted_in_page(Contact, "sf_id", page.records)
        result = super().write(page)
        # A privacy deletion happens as the stream sees it, in the page's transaction.
        deletions.erase_people(erased)
        return result

    def link(self, page: Page[Any], pks: list[Any], new_keys: list[Any], written: list[Written]) -> None:
        links.link_children(links.CS_CONTACT, new_keys)
        links.link_user_contacts(email_keys=[r.email_key for r in page.records], contact_pks=pks)


class CaseStream(SalesforceStream):
    name = "salesforce.cases"
    model = Case
    sobject = "Case"

    resolve = (links.CS_TICKET, links.CS_ACCOUNT, links.CS_CONTACT)

    def link(self, page: Page[Any], pks: list[Any], new_keys: list[Any], written: list[Written]) -> None:
        pass
