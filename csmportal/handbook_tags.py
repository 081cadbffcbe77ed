"""`{% handbook_link "key" "text" %}`: a link to a handbook page from the one table
(`csmportal.handbook`), marked `class="handbook-link" data-handbook="key"` so tests can find
every one. A template builtin (settings.TEMPLATES), so no `{% load %}` is needed."""

from django import template
from django.utils.html import format_html

from .handbook import HANDBOOK_LINKS, HELPFUL_LINKS, handbook_url

register = template.Library()


@register.simple_tag
def handbook_link(key: str, text: str = "") -> str:
    return format_html(
        '<a class="handbook-link" data-handbook="{}" href="{}" target="_blank" rel="noopener">{}</a>',
        key,
        handbook_url(key),
        text or HANDBOOK_LINKS[key].title,
    )


@register.simple_tag
def handbook_href(key: str) -> str:
    return handbook_url(key)


@register.simple_tag
def handbook_helpful_links() -> list[str]:
    """The keys of the handbook's "Helpful links", in its order."""
    return list(HELPFUL_LINKS)
