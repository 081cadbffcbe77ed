"""A version per account, and data cached under it: read once, shown until the account's data
changes.

The account page's figures (its organizations, counts, people, panels) cost a query each, and
each query more CPU to build and compile in the ORM than to run. They change only when the sync
writes a page touching the account or someone changes the account's data in the portal; so they
are cached (`one_cached`) with the account's version, and every such write bumps the version
(`bump_accounts`): the next request reads the data again.

- The version is a token in the cache (Redis in production). A bump deletes it; the next read
  makes a new one. An entry is kept with the token it was read under and used only while that
  token is current, so one cache round trip fetches the version and every entry of a page.
  The round trip fetches every part used in the process; an entry holds its value pickled
  (`(version, None, bytes)`), so a page unpickles only the parts it reads, not other pages'.
- Who bumps: the sync, for every page it writes (`on_page_synced`: the accounts of the rows it
  wrote, and for organizations also the accounts of the same name, which list them); every
  portal save or delete of a row that belongs to an account (`on_row_saved`, by model); writes
  that bypass model signals call `bump_accounts` themselves (the ticket review). A bump inside
  a transaction happens now and again when it commits (a read in between may have cached what
  was about to change).
- What is left to time: writes nobody announces (a row moved from one account to another: only
  its new account is bumped; a bulk UPDATE elsewhere) and figures that change with the clock
  (ratings of the last 90 days, overdue feedback) are at most `TTL` seconds old: an entry
  expires after that whatever the version.
- A restricted Zendesk instance's rows are never served to someone not cleared for it: the key
  holds the set of instances hidden from the user (`hidden_keys(user)`), so each set has its
  own entries (docs/instances.md).
"""

from __future__ import annotations

import pickle
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction

from .instances import hidden_keys

T = TypeVar("T")
TTL = 60  # seconds: the most an entry can lag a write nobody announced, or the clock
PREFIX = "acctv"
# Every part name used so far in this process: the first read of an account in a request
# fetches its version and all of them in one round trip.
_parts: set[str] = set()
_local = threading.local()  # this request's round trips: (account pk, hidden) -> what came back
MEMO_SECONDS = 5  # outside a request (a task, a shell) a round trip is reused only this long


def _version_key(account_pk: int) -> str:
    return f"{PREFIX}:{int(account_pk)}"


def _entry_key(account_pk: int, part: str, hidden: frozenset[str]) -> str:
    return f"{PREFIX}:{int(account_pk)}:{part}:{','.join(sorted(hidden))}"


def _memo() -> dict[tuple[int, frozenset[str]], dict[str, Any]]:
    if not hasattr(_local, "memo"):
        _local.memo = {}
    return _local.memo


def forget(**kwargs: Any) -> None:
    """A request starts or ends: nothing fetched before is used again (request_started and
    request_finished call this)."""
    _local.memo = {}


def bump_accounts(account_pks: Iterable[int | None]) -> None:
    """The accounts' data changed: their cached entries are read again on next use (now and,
    inside a transaction, once it commits)."""
    pks = {int(pk) for pk in account_pks if pk is not None}
    if not pks:
        return
    keys = sorted(_version_key(pk) for pk in pks)
    memo = _memo()
    for key in [key for key in memo if key[0] in pks]:
        del memo[key]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def one_cached(account_pk: int, user: Any, part: str, read: Callable[[], T]) -> T:
    """`read()` as `user` sees it, cached with the account's version: it runs only when the
    account's version changed since it was cached, or TTL passed. The account's first read in
    a request fetches its version and every part in one round trip."""
    hidden = hidden_keys(user)
    _parts.add(part)
    memo = _memo()
    fetched = memo.get((int(account_pk), hidden))
    if fetched is None or part not in fetched["keys"] or fetched["at"] < time.monotonic() - MEMO_SECONDS:
        fetched = _fetch(int(account_pk), hidden)
        memo[(int(account_pk), hidden)] = fetched
    key = fetched["keys"][part]
    entry = fetched["found"].get(key)
    if entry is not None and entry[0] == fetched["version"]:
        if len(entry) == 3:  # read from the cache: the value is still pickled
            entry = (entry[0], pickle.loads(entry[2]))  # noqa: S301 (our own cache's bytes)
            fetched["found"][key] = entry
        return entry[1]  # type: ignore[no-any-return]
    value = read()
    # Stored pickled inside the entry: a round trip fetches every part used in this process
    # (other pages' too), and only the parts a page reads are unpickled.
    cache.set(key, (fetched["version"], None, pickle.dumps(value, pickle.HIGHEST_PROTOCOL)), timeout=TTL)
    fetched["found"][key] = (fetched["version"], value)
    return value


def _fetch(account_pk: int, hidden: frozenset[str]) -> dict[str, Any]:
    version_key = _version_key(account_pk)
    keys = {name: _entry_key(account_pk, name, hidden) for name in _parts}
    found = cache.get_many([version_key, *keys.values()])
    version = found.pop(version_key, None)
    if version is None:
        version = secrets.token_hex(8)
        if not cache.add(version_key, version, timeout=None):
            version = cache.get(version_key) or version
    return {"version": version, "keys": keys, "found": found, "at": time.monotonic()}


# -- who bumps ---------------------------------------------------------------------------------


def _sync_accounts(stream: str, pks: list[int]) -> set[int]:
    """The accounts whose pages show the rows a sync page wrote (`pks`: the portal rows')."""
    from django.db.models.functions import Lower

    from accounts.models import Account, Organization, SalesforceUser
    from contacts.models import Contact, SupportUser
    from feedback.models import Rating
    from tickets.models import Ticket

    if stream == "salesforce.accounts":
        return set(pks)
    if stream == "salesforce.users":
        sf_ids = SalesforceUser.objects.filter(pk__in=pks).values("sf_id")
        return set(Account.objects.filter(csm_sf_user_id__in=sf_ids).values_list("pk", flat=True))
    if stream == "zendesk.organizations":
        orgs = list(Organization.objects.filter(pk__in=pks).values_list("account_id", "name"))
        names = {name.lower() for _, name in orgs if name}
        # An organization with an account's name is listed on that account's page too.
        same_name = Account.objects.annotate(name_key=Lower("name")).filter(name_key__in=names)
        return {account for account, _ in orgs} | set(same_name.values_list("pk", flat=True))
    by_stream = {
        "salesforce.contacts": (Contact, "account_id"),
        "zendesk.users": (SupportUser, "organization__account_id"),
        "zendesk.tickets": (Ticket, "account_id"),
        "zendesk.ratings": (Rating, "account_id"),
    }
    if stream not in by_stream:
        return set()
    model, field = by_stream[stream]
    return set(model._default_manager.filter(pk__in=pks).values_list(field, flat=True).distinct())


def on_page_synced(sender: Any, *, stream: str, **kwargs: Any) -> None:
    pks = [pk for name in ("created", "updated", "deleted") for pk in kwargs.get(name) or []]
    if pks:
        bump_accounts(_sync_accounts(stream, pks))


# model label -> how a saved or deleted row names its account. A ticket's best-practice gaps are
# written in bulk by the review, which bumps the accounts itself (a receiver here would also make
# Django fetch every gap it deletes, to send the signal).
ROW_ACCOUNT: dict[str, Callable[[Any], Iterable[int | None]]] = {
    "accounts.Account": lambda row: [row.pk],
    "accounts.Organization": lambda row: [row.account_id],
    "accounts.AccountEvent": lambda row: [row.account_id],
    "accounts.AccountEmail": lambda row: [row.account_id],
    "accounts.Checklist": lambda row: [row.account_id],
    "accounts.ChecklistStep": lambda row: _account_of("accounts.Checklist", row.checklist_id),
    "accounts.SalesforceUser": lambda row: _accounts_of_csm(row.sf_id),
    "contacts.Contact": lambda row: [row.account_id],
    "contacts.SupportUser": lambda row: _account_of_org(row.organization_id),
    "tickets.Ticket": lambda row: [row.account_id],
    "feedback.Rating": lambda row: [row.account_id],
    "feedback.Feedback": lambda row: [row.account_id],
    "feedback.FeedbackEvent": lambda row: _account_of("feedback.Feedback", row.feedback_id),
    "supportops.OpsRequest": lambda row: [row.account_id],
    "supportops.RequestEvent": lambda row: _account_of("supportops.OpsRequest", row.request_id),
    "notifications.AccountWatch": lambda row: [row.account_id],
}


def _account_of(label: str, pk: int | None) -> list[int | None]:
    from django.apps import apps

    if pk is None:
        return []
    return list(apps.get_model(label).objects.filter(pk=pk).values_list("account_id", flat=True))


def _account_of_org(pk: int | None) -> list[int | None]:
    return _account_of("accounts.Organization", pk)


def _accounts_of_csm(sf_id: str) -> list[int | None]:
    from accounts.models import Account

    return list(Account.objects.filter(csm_sf_user_id=sf_id).values_list("pk", flat=True)) if sf_id else []


def on_row_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    bump_accounts(ROW_ACCOUNT[sender._meta.label](instance))


def connect() -> None:
    """Called once at start-up (AccountsConfig.ready)."""
    from django.apps import apps
    from django.core.signals import request_finished, request_started
    from django.db.models.signals import post_delete, post_save

    from integrations.signals import page_synced

    page_synced.connect(on_page_synced, dispatch_uid="versions.page_synced")
    request_started.connect(forget, dispatch_uid="versions.request_started")
    request_finished.connect(forget, dispatch_uid="versions.request_finished")
    for label in ROW_ACCOUNT:
        model = apps.get_model(label)
        post_save.connect(on_row_saved, sender=model, dispatch_uid=f"versions.save.{label}")
        post_delete.connect(on_row_saved, sender=model, dispatch_uid=f"versions.delete.{label}")
