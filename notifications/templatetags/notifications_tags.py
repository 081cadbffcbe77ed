"""The preferences page's managed accounts, rendered in Python (see notifications.managed_html)."""

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from notifications.managed_html import managed_accounts_html

register = template.Library()


@register.simple_tag(takes_context=True)
def managed_accounts(context: Any, accounts: list) -> SafeString:
    html = managed_accounts_html(accounts, csrf_token=context.get("csrf_token"))
    return mark_safe(html)  # noqa: S308 (every value escaped by managed_accounts_html)
