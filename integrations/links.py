# ruff: noqa: S608 - SQL text is built from quoted table/column names only; values are parameters.
"""Set-based link resolution: the mirror's foreign keys, computed from the source keys.

Every mirror row keeps its source's keys as plain columns (``zd_organization_id``,
``sf_account_id`` ...). After a page is written, two kinds of UPDATE run in its transaction:

- child side: the page's own rows get linked to the parents already mirrored;
- parent side: rows already mirrored that point at the page's records get linked to them
  (a ticket that arrived before its organization, a case before its ticket).

Zendesk numbers are unique per instance (docs/instances.md): a Zendesk row links to the parent
of its own instance (a ticket to its instance's organization and requester, a comment to its
instance's ticket and author, a rating ...). A Salesforce case names a ticket by number alone: it
links to the global instance's ticket. An organization links to the account its
``salesforce_id`` names whatever its instance, so one account can have organizations in several.

Each statement changes only rows whose link is wrong (``IS DISTINCT FROM``), including
unlinking a row whose parent is gone or changed. A record that cannot be linked keeps a
NULL link: it is shown as a finding, never dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from django.db import connection, models

from accounts.models import Account, Organization, SalesforceUser
from contacts.models import Contact, SupportUser
from csmportal.instances import GLOBAL
from feedback.models import Rating
from tickets.models import Case, Comment, Ticket
from users.models import User

from .sql import execute
from .upsert import INSTANCE


def _t(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _c(name: str) -> str:
    return connection.ops.quote_name(name)


def _pk(model: type[models.Model]) -> str:
    return str(model._meta.pk.column)  # type: ignore[union-attr]


def in_list(column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
    """``column IN values`` as SQL + params (one binary array parameter on PostgreSQL)."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%b)", [list(values)]
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


@dataclass(frozen=True)
class Link:
    """``child.fk`` = ``parent.value`` of the parent whose ``parent_key`` = ``child.src``."""

    child: type[models.Model]
    fk: str
    src: str
    parent: type[models.Model]
    parent_key: str
    value: str = "id"

    def value_sql(self) -> str:
        child_src = f"{_t(self.child)}.{_c(self.src)}"
        parent = _t(self.parent)
        match = f"p.{_c(self.parent_key)} = {child_src}{self.same_instance_sql()}"
        return f"SELECT p.{_c(self.value)} FROM {parent} AS p WHERE {match}"

    def same_instance_sql(self) -> str:
        """Zendesk numbers are unique per instance: a Zendesk child links to the parent of its own
        instance; a Salesforce row (a case) naming a ticket links to the global instance's."""
        if not has_instance(self.parent):
            return ""
        if has_instance(self.child):
            return f" AND p.{_c(INSTANCE)} = {_t(self.child)}.{_c(INSTANCE)}"
        return f" AND p.{_c(INSTANCE)} = '{GLOBAL}'"


def has_instance(model: type[models.Model]) -> bool:
    """A Zendesk-keyed model: its rows carry their instance (``zd_instance``)."""
    return any(f.column == INSTANCE for f in model._meta.concrete_fields)


def _instance_scope(link: Link, instance: str | None) -> tuple[str, list[Any]] | None:
    """The condition narrowing ``link``'s children to those a parent of ``instance`` can have;
    None when there are none (a case never links to another instance's ticket)."""
    if instance is None or not has_instance(link.parent):
        return "", []
    if has_instance(link.child):
        return f" AND {_t(link.child)}.{_c(INSTANCE)} = %s", [instance]
    return ("", []) if instance == GLOBAL else None


T_ORG = Link(Ticket, "organization_id", "zd_organization_id", Organization, "zd_id")
T_ACCOUNT = Link(Ticket, "account_id", "zd_organization_id", Organization, "zd_id", "account_id")
T_REQUESTER = Link(Ticket, "requester_id", "zd_requester_id", SupportUser, "zd_id")
C_TICKET = Link(Comment, "ticket_id", "zd_ticket_id", Ticket, "zd_id")
C_AUTHOR = Link(Comment, "author_id", "zd_author_id", SupportUser, "zd_id")
U_ORG = Link(SupportUser, "organization_id", "zd_organization_id", Organization, "zd_id")
R_TICKET = Link(Rating, "ticket_id", "zd_ticket_id", Ticket, "zd_id")
R_ORG = Link(Rating, "organization_id", "zd_organization_id", Organization, "zd_id")
R_ACCOUNT = Link(Rating, "account_id", "zd_organization_id", Organization, "zd_id", "account_id")
R_REQUESTER = Link(Rating, "requester_id", "zd_requester_id", SupportUser, "zd_id")
CT_ACCOUNT = Link(Contact, "account_id", "sf_account_id", Account, "sf_id")
CS_TICKET = Link(Case, "ticket_id", "zd_ticket_id", Ticket, "zd_id")
CS_ACCOUNT = Link(Case, "account_id", "sf_account_id", Account, "sf_id")
CS_CONTACT = Link(Case, "contact_id", "sf_contact_id", Contact, "sf_id")
A_CSM = Link(Account, "csm_id", "csm_sf_user_id", SalesforceUser, "sf_id", "portal_user_id")


def _update(child: type[models.Model], fk: str, value_sql: str, scope: str, params: list[Any]) -> list[Any]:
    """Set ``child.fk`` to ``value_sql`` where it differs, within ``scope``; returns changed pks."""
    table = _t(child)
    sql = (
        f"UPDATE {table} SET {_c(fk)} = ({value_sql}) "
        f"WHERE {scope} AND {table}.{_c(fk)} IS DISTINCT FROM ({value_sql}) "
        f"RETURNING {table}.{_c(_pk(child))}"
    )
    return [row[0] for row in execute(sql, params)]


def link_rows(link: Link, pks: Sequence[Any]) -> list[Any]:
    """Child side: link these child rows."""
    if not pks:
        return []
    scope, params = in_list(f"{_t(link.child)}.{_c(_pk(link.child))}", pks)
    return _update(link.child, link.fk, link.value_sql(), scope, params)


def link_rows_all(links: Sequence[Link], pks: Sequence[Any]) -> list[Any]:
    """Child side, several links of one table in one statement (each value computed once)."""
    if not pks:
        return []
    child = links[0].child
    assert all(link.child is child for link in links)
    t, pk = _t(child), _c(_pk(child))
    scope, params = in_list(f"{t}.{pk}", pks)
    values = ", ".join(f"({link.value_sql()}) AS v{n}" for n, link in enumerate(links))
    sets = ", ".join(f"{_c(link.fk)} = v.v{n}" for n, link in enumerate(links))
    mine = ", ".join(f"{t}.{_c(link.fk)}" for link in links)
    theirs = ", ".join(f"v.v{n}" for n in range(len(links)))
    sql = (
        f"UPDATE {t} SET {sets} FROM (SELECT {t}.{pk} AS pk, {values} FROM {t} WHERE {scope}) AS v "
        f"WHERE {t}.{pk} = v.pk AND ({mine}) IS DISTINCT FROM ({theirs}) RETURNING {t}.{pk}"
    )
    return [row[0] for row in execute(sql, params)]


def link_children(link: Link, parent_keys: Iterable[Any], instance: str | None = None) -> list[Any]:
    """Parent side: link the child rows that point at these parents (by source key).

    ``instance``: the parents are that Zendesk instance's, so only its children (or, for a case,
    only when it is the global instance) are looked at. Without it, the children of every
    instance holding these numbers are looked at; each still links to its own instance's parent.
    """
    keys = [k for k in set(parent_keys) if k not in (None, "")]
    if not keys:
        return []
    scope, params = in_list(f"{_t(link.child)}.{_c(link.src)}", keys)
    narrowed = _instance_scope(link, instance)
    if narrowed is None:
        return []
    scope, params = scope + narrowed[0], params + narrowed[1]
    return _update(link.child, link.fk, link.value_sql(), scope, params)


# -- links that are not a plain key lookup ------------------------------------------------------
def _org_account_sql() -> str:
    """The account an org's ``salesforce_id`` names: the 18-character ID, or its 15-character
    (case-sensitive) form, with stray spaces ignored."""
    o, a = _t(Organization), _t(Account)
    sfid = f"TRIM({o}.{_c('salesforce_id')})"
    return (
        f"SELECT a.id FROM {a} AS a WHERE a.{_c('sf_id')} = {sfid} "
        f"OR (LENGTH({sfid}) = 15 AND SUBSTR(a.{_c('sf_id')}, 1, 15) = {sfid}) ORDER BY a.id LIMIT 1"
    )


def link_org_accounts(*, org_pks: Sequence[Any] = (), account_ids: Iterable[str] = ()) -> list[Any]:
    """Organization.account from salesforce_id; returns the changed orgs' Zendesk ids."""
    changed: list[Any] = []
    if org_pks:
        scope, params = in_list(f"{_t(Organization)}.id", org_pks)
        changed += _update(Organization, "account_id", _org_account_sql(), scope, params)
    ids = {i for i in account_ids if i}
    if ids:
        candidates = sorted(ids | {i[:15] for i in ids})
        scope, params = in_list(f"TRIM({_t(Organization)}.{_c('salesforce_id')})", candidates)
        # Orgs that name one of these accounts, and orgs linked to one (an ID that changed).
        linked, linked_params = in_list("a.sf_id", sorted(ids))
        scope = (
            f"({scope} OR {_t(Organization)}.account_id IN "
            f"(SELECT a.id FROM {_t(Account)} AS a WHERE {linked}))"
        )
        changed += _update(Organization, "account_id", _org_account_sql(), scope, params + linked_params)
    if not changed:
        return []
    return list(Organization.objects.filter(pk__in=changed).values_list("zd_id", flat=True))


def _user_contact_sql() -> str:
    """The contact with the support user's email (case-insensitive): one on the account of the
    user's organization if there is one, else the first."""
    u, c, o = _t(SupportUser), _t(Contact), _t(Organization)
    same_email = f"c.email_key = {u}.email_key AND {u}.email_key <> ''"
    same_account = f"c.account_id IN (SELECT o.account_id FROM {o} AS o WHERE o.id = {u}.organization_id)"
    return (
        f"SELECT COALESCE((SELECT MIN(c.id) FROM {c} AS c WHERE {same_email} AND {same_account}), "
        f"(SELECT MIN(c.id) FROM {c} AS c WHERE {same_email}))"
    )


def link_user_contacts(
    *, user_pks: Sequence[Any] = (), email_keys: Iterable[str] = (), contact_pks: Sequence[Any] = ()
) -> list[Any]:
    changed: list[Any] = []
    if user_pks:
        scope, params = in_list(f"{_t(SupportUser)}.id", user_pks)
        changed += _update(SupportUser, "contact_id", _user_contact_sql(), scope, params)
    keys = sorted({k for k in email_keys if k})
    if keys:
        scope, params = in_list(f"{_t(SupportUser)}.email_key", keys)
        changed += _update(SupportUser, "contact_id", _user_contact_sql(), scope, params)
    if contact_pks:
        scope, params = in_list(f"{_t(SupportUser)}.contact_id", contact_pks)
        changed += _update(SupportUser, "contact_id", _user_contact_sql(), scope, params)
    return changed


def _portal_user_sql() -> str:
    """The portal user whose own address is the Salesforce user's email (case-insensitive) and is
    verified (confirmed by a link sent to it). Never by name: people edit their own names."""
    s, u, e = _t(SalesforceUser), _t(User), _t(EmailAddress)
    return (
        f"SELECT u.id FROM {u} AS u WHERE {s}.email <> '' AND LOWER(u.email) = LOWER({s}.email) "
        f"AND EXISTS (SELECT 1 FROM {e} AS e WHERE e.user_id = u.id AND e.verified "
        f"AND LOWER(e.email) = LOWER(u.email)) LIMIT 1"
    )


def link_portal_users(*, sf_user_pks: Sequence[Any] | None = None) -> list[Any]:
    """SalesforceUser.portal_user (all rows when no pks: the table is small, and portal users
    are invited at any time)."""
    if sf_user_pks is None:
        return _update(SalesforceUser, "portal_user_id", _portal_user_sql(), "1 = 1", [])
    if not sf_user_pks:
        return []
    scope, params = in_list(f"{_t(SalesforceUser)}.id", sf_user_pks)
    return _update(SalesforceUser, "portal_user_id", _portal_user_sql(), scope, params)


def update_first_replies(ticket_zd_ids: Iterable[Any], instance: str | None = None) -> list[Any]:
    """Ticket.first_reply_at: the first public comment by someone who is neither the requester
    nor another end user (the first answer from support); comments and people of the ticket's
    own instance. ``instance`` narrows to that instance's tickets."""
    ids = sorted({i for i in ticket_zd_ids if i is not None})
    if not ids:
        return []
    t, c, u = _t(Ticket), _t(Comment), _t(SupportUser)
    value = (
        f"SELECT MIN(c.created_at) FROM {c} AS c WHERE c.zd_ticket_id = {t}.zd_id "
        f"AND c.zd_instance = {t}.zd_instance AND c.public "
        f"AND c.zd_author_id IS DISTINCT FROM {t}.zd_requester_id AND NOT EXISTS "
        f"(SELECT 1 FROM {u} AS u WHERE u.zd_id = c.zd_author_id AND u.zd_instance = c.zd_instance "
        f"AND u.role = 'end-user')"
    )
    scope, params = in_list(f"{t}.zd_id", ids)
    if instance is not None:
        scope, params = f"{scope} AND {t}.zd_instance = %s", [*params, instance]
    return _update(Ticket, "first_reply_at", value, scope, params)


def link_orphan_comment_authors() -> int:
    """Comments whose author arrived after them (run once per users sync)."""
    scope = f"{_t(Comment)}.author_id IS NULL AND {_t(Comment)}.zd_author_id IS NOT NULL"
    return len(_update(Comment, "author_id", C_AUTHOR.value_sql(), scope, []))
