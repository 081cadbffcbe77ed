"""`{% url %}` as Django's, with the reversal of a route done once per process.

List pages write a few links per row (the ticket, the account, the item): a hundred or more
`reverse()` calls per page, each walking the URL resolver. A route reversed with numeric
placeholders gives a pattern; later links to that route only put the row's numbers in it.
Anything else (keyword arguments, text arguments, a route whose pattern does not take the
placeholders) is reversed by Django as before. Registered as a template builtin, so every
template's `{% url %}` is this one."""

import threading
from typing import Any

from django import template
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()

PLACEHOLDER = 987654320  # + the argument's position: numbers no route is reversed with
_patterns: dict[tuple[Any, ...], str | None] = {}
_lock = threading.Lock()


def fast_reverse(view_name: str, args: list[Any], current_app: str | None = None) -> str:
    """reverse(view_name, args=args, current_app=current_app) for whole-number arguments."""
    key = (view_name, len(args), current_app, get_urlconf(), get_script_prefix())
    pattern = _patterns.get(key, "")
    if pattern == "":
        pattern = _pattern(view_name, len(args), current_app)
        with _lock:
            _patterns[key] = pattern
    if pattern is None:
        return reverse(view_name, args=args, current_app=current_app)
    return pattern.format(*args)


def _pattern(view_name: str, count: int, current_app: str | None) -> str | None:
    """The route's URL with "{0}", "{1}"... where its arguments go; None if it has none such."""
    placeholders = [str(PLACEHOLDER + i) for i in range(count)]
    try:
        reversed_url = reverse(view_name, args=placeholders, current_app=current_app)
    except NoReverseMatch:
        return None
    if not all(reversed_url.count(p) == 1 for p in placeholders):
        return None
    pattern = reversed_url.replace("{", "{{").replace("}", "}}")
    for i, p in enumerate(placeholders):
        pattern = pattern.replace(p, f"{{{i}}}")
    return pattern


def _whole_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return value >= 0
    return isinstance(value, str) and value.isascii() and value.isdecimal()


def _current_app(context: Any) -> str | None:
    """As Django's url tag: the request's current_app, else its resolved namespace."""
    request = getattr(context, "request", None)
    if request is None:
        return None
    current_app = getattr(request, "current_app", None)
    if current_app is None:
        match = getattr(request, "resolver_match", None)
        current_app = match.namespace if match else None
    return current_app


class FastURLNode(URLNode):
    def render(self, context: Any) -> str:
        if self.kwargs or not self.args:
            return super().render(context)
        args = [arg.resolve(context) for arg in self.args]
        if not all(map(_whole_number, args)):
            return super().render(context)
        url = fast_reverse(self.view_name.resolve(context), args, _current_app(context))
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser: Any, token: Any) -> FastURLNode:
    node = django_url(parser, token)
    return FastURLNode(node.view_name, node.args, node.kwargs, node.asvar)
