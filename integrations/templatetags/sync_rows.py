"""The sync page's streams and their run history as tags (integrations.sync_html writes them in
Python)."""

from typing import Any

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils.safestring import SafeString

from .. import sync_html

register = template.Library()


@register.simple_tag
def run_rows(runs: Any) -> SafeString:
    return sync_html.run_rows(runs)


@register.simple_tag(takes_context=True)
def stream_rows(context: template.Context, streams: Any, can_trigger: bool) -> SafeString:
    return sync_html.stream_rows(
        streams, can_trigger=bool(can_trigger), csrf_input=CsrfTokenNode().render(context)
    )
