"""The contacts page's people table written in Python: the same HTML its row template wrote,
without the template engine's work per cell (a hundred people a page). Every text from the data
is escaped (`escape`), as a template would."""

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from csmportal import instances
from csmportal.dates import day
from csmportal.instances import GLOBAL
from tickets.review import mask

from .selectors import Person, PersonStatus, why_unentitled

DASH = "\u2014"


def _name_cell(p: Person) -> str:
    cell: str = escape(p.name or DASH)
    if p.is_sold_to:
        cell += ' <span class="badge info">sold-to</span>'
    if p.is_developer:
        cell += ' <span class="badge info">CMP developer</span>'
    return cell


def _zendesk_cell(p: Person) -> str:
    if p.user is None:
        return '<span class="muted">not registered</span>'
    cell = f'<span class="mono small">{escape(p.user.zd_id)}</span>'
    if p.status == PersonStatus.ELSEWHERE:
        org = p.user.organization.name if p.user.organization else ""
        cell += f' <span class="small">in {escape(org or "no organization")}</span>'
    return cell


def person_instance(names: dict[str, str], p: Person) -> str:
    """The instance of the person's Zendesk user, as the "Instance" column names it."""
    return instances.label(names, p.user.zd_instance) if p.user is not None else ""


def people_rows_html(people: Iterable[Person]) -> SafeString:
    names = instances.labels()  # {} with one instance: no "Instance" column
    rows = []
    for p in people:
        contact = (
            escape(p.contact.title or "contact") if p.contact else '<span class="muted">not a contact</span>'
        )
        rows.append(
            f"<tr><td>{_name_cell(p)}</td>"
            f'<td class="acc-email">{escape(p.email)}</td>'
            f'<td><span class="badge {escape(p.badge)}">{escape(p.status_label)}</span></td>'
            f"<td>{contact}</td>"
            f"<td>{_zendesk_cell(p)}</td>"
            + (f'<td class="nowrap">{escape(person_instance(names, p) or DASH)}</td>' if names else "")
            + f'<td class="num">{int(p.tickets)}</td></tr>'
        )
    return mark_safe("\n".join(rows))  # noqa: S308 (every value above is escaped or a number)


def unentitled_rows(tickets: Iterable[Any], account: Any) -> list[dict[str, Any]]:
    """The tickets from people without entitlement, each with its text ready to print (masked
    and shortened subject, requester, why, date): the template only writes them (escaped)."""
    mark = 987654321
    link = reverse("tickets:detail", args=[mark]).split(str(mark))  # a global ticket's address
    return [
        {
            "ticket": t,
            # Another instance's ticket has its own address (/tickets/<instance>/<number>/).
            "url": f"{link[0]}{t.zd_id}{link[1]}" if t.zd_instance == GLOBAL else t.get_absolute_url(),
            "subject": Truncator(mask(t.subject or "") or "(no subject)").chars(80),
            "requester": str(t.requester) if t.requester else DASH,
            "reason": why_unentitled(t, account),
            "opened": day(t.zd_created_at),
        }
        for t in tickets
    ]
