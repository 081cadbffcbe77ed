"""Template helpers of the tickets pages: masked text, score badges, check labels, dashboard rows."""

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from tickets import links, rows
from tickets.finding_html import finding_html
from tickets.review import CHECKS, mask

register = template.Library()


@register.filter
def mask_secrets(value: Any) -> str:
    """Customer-written text with passwords, keys and tokens masked (still auto-escaped)."""
    return mask(str(value or ""))


@register.filter
def score_class(score: int | float | None) -> str:
    return rows.score_class(score)


@register.filter
def instance_name(key: str | None) -> str:
    """A row's instance as the lists' "Instance" column names it (docs/instances.md, Lists)."""
    from csmportal import instances

    return instances.label(instances.labels(), key)


@register.filter
def check_title(code: str) -> str:
    info = CHECKS.get(code)
    return info.title if info else code


@register.filter
def check_info(code: str) -> Any:
    return CHECKS.get(code)


@register.simple_tag
def dashboard_rows(tickets: Any) -> SafeString:
    """The dashboard's table rows, prepared and rendered in Python (see tickets.rows)."""
    return rows.rows_html(rows.dashboard_rows(tickets))


@register.simple_tag
def finding(item: dict) -> SafeString:
    """A best-practice finding on the ticket page, rendered in Python (see tickets.finding_html)."""
    return mark_safe(finding_html(item))  # noqa: S308 (every value escaped by finding_html)


@register.simple_tag
def open_tickets_url(account: Any = None, csm: str = "any") -> str:
    """The dashboard listing exactly the open tickets a count counts (see tickets.links)."""
    return links.open_tickets_url(account=getattr(account, "pk", account), csm=csm)


@register.filter
def claim_unconfirmed(ticket: Any, account: Any) -> bool:
    """The ticket's org claims the account without anyone confirming it (accounts.claims)."""
    from accounts.claims import ticket_claim_unconfirmed

    return ticket_claim_unconfirmed(ticket, account)
