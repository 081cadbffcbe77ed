"""Small presentation helpers for the accounts pages."""

from typing import Any

from django import template
from django.utils.safestring import SafeString

from .. import onboarding_html, page_html, portfolio_html

register = template.Library()


@register.simple_tag(takes_context=True)
def portfolio_table_rows(context: Any, rows: Any) -> SafeString:
    """The portfolio's <tr>s, written in Python (see accounts.portfolio_html)."""
    return portfolio_html.rows_html(rows, context.get("mapped") or {})


@register.simple_tag(takes_context=True)
def org_cards(context: Any, orgs: Any) -> SafeString:
    """The account page's organization cards, written in Python (see accounts.page_html)."""
    return page_html.org_cards(orgs, context.get("mapped"))


@register.simple_tag
def trail_rows(events: Any) -> SafeString:
    """The audit trail's lines, written in Python (see accounts.onboarding_html)."""
    return onboarding_html.trail_rows(events)


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key)
    except AttributeError:
        return None
