"""Parts of the onboarding section written in Python: each step's owner select lists every
possible owner (a few dozen people), once per step; the options are written once per request
and each step only marks its own owner (escaped as a template would)."""

from collections.abc import Iterable
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


def owner_options(people: Iterable[Any]) -> str:
    """The owner select's options: nobody, then each person (their pk and how they print)."""
    return '<option value="">Nobody</option>' + format_html_join(
        "", '<option value="{}">{}</option>', ((person.pk, str(person)) for person in people)
    )


def owner_select(step_pk: int, owner_id: int | None, options: str) -> SafeString:
    """The step's owner select with its owner chosen (`options` from `owner_options`)."""
    if owner_id is not None:
        tag = f'<option value="{int(owner_id)}">'
        options = options.replace(tag, tag[:-1] + " selected>", 1)
    return format_html(
        '<select id="owner-{}" name="owner">\n          {}\n        </select>',
        step_pk,
        mark_safe(options),  # noqa: S308 (escaped in owner_options)
    )
