"""The Team page's people table written in Python: a row per person with a form per role and per
restricted instance, which through the template engine cost more than the rest of the page (a
`{% csrf_token %}`, a `{% url %}` and a dozen lookups per cell). Every value is escaped as the
template escaped it (`csmportal.fast_html.escape`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from csmportal.fast_html import escape

from .roles import Role
from .team import Member

BUTTON = (
    '<button class="btn secondary small" type="submit" name="change" value="{}" aria-label="{}">{}</button>'
)


def _pattern(name: str) -> str:
    return reverse(name, args=[0]).replace("/0/", "/{}/")


def people_rows(
    members: Iterable[Member],
    *,
    roles: Sequence[Role],
    instances: Sequence[Any],
    viewer: Any,
    csrf_token: str,
) -> SafeString:
    """The `<tr>`s of "People and roles": whether each person holds each role (grant or revoke;
    nobody revokes Admin from themselves) and, where a restricted instance is configured, their
    clearances."""
    role_url, clearance_url = _pattern("team:role_change"), _pattern("team:clearance_change")
    csrf = f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(csrf_token)}">'
    out = []
    for m in members:
        name = escape(m.user)
        badges = ""
        if m.pending:
            badges = '<span class="badge info">invitation pending</span>'
        elif not m.verified:
            badges = '<span class="badge warn">address not confirmed</span>'
        if m.needs_totp:
            badges += ' <span class="badge warn">two-factor not set up</span>'
        cells = [f'<td>{name}<div class="small muted">{escape(m.user.email)}</div> {badges}</td>']
        action = escape(role_url.format(m.user.pk))
        for role in roles:
            label = escape(role.label)
            if role.value in m.roles:
                state = '<span class="badge ok">yes</span>'
                if not (role.value == Role.ADMIN and m.user.pk == viewer.pk):
                    state += " " + BUTTON.format("revoke", f"Revoke {label} from {name}", "Revoke")
            else:
                state = BUTTON.format("grant", f"Grant {label} to {name}", "Grant")
            cells.append(
                f'<td><form method="post" action="{action}">{csrf}'
                f'<input type="hidden" name="role" value="{escape(role.value)}"> {state}</form></td>'
            )
        if instances:
            cells.append(_clearances(m, instances, escape(clearance_url.format(m.user.pk)), csrf, name))
        out.append("<tr>" + "".join(cells) + "</tr>\n")
    return mark_safe("".join(out))  # noqa: S308 - every value above went through escape


def _clearances(m: Member, instances: Sequence[Any], action: str, csrf: str, name: str) -> str:
    forms = []
    for instance in instances:
        title = escape(instance.name)
        if instance.key in m.clearances:
            state = '<span class="badge ok">cleared</span> ' + BUTTON.format(
                "revoke", f"Revoke the clearance for {title} from {name}", "Revoke"
            )
        else:
            state = '<span class="badge">not cleared</span> ' + BUTTON.format(
                "grant", f"Clear {name} for {title}", "Grant"
            )
        forms.append(
            f'<form method="post" action="{action}">{csrf}'
            f'<input type="hidden" name="instance" value="{escape(instance.key)}"> {title}: {state}</form>'
        )
    return '<td class="team-clearances">' + "".join(forms) + "</td>"
