"""The sync page's run history as one tag (integrations.sync_html writes it in Python)."""

from typing import Any

from django import template
from django.utils.safestring import SafeString

from .. import sync_html

register = template.Library()


@register.simple_tag
def run_rows(runs: Any) -> SafeString:
    return sync_html.run_rows(runs)
