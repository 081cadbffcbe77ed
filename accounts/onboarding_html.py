"""Parts of the onboarding section written in Python: each step's owner select lists every
possible owner (a few dozen people), once per step; the options are written once per request
and each step only marks its own owner (escaped as a template would). Each step is written as
`_step.html` wrote it (an include per step cost about half a millisecond)."""

from collections.abc import Iterable
from typing import Any

from django.utils.html import format_html, urlize
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.timezone import localtime

from csmportal.dates import when
from csmportal.fast_html import escape
from csmportal.handbook_tags import handbook_link
from csmportal.url_tags import fast_reverse


def owner_options(people: Iterable[tuple[int, str]]) -> str:
    """The owner select's options: nobody, then each person (their pk and how they print)."""
    return '<option value="">Nobody</option>' + "".join(
        f'<option value="{int(pk)}">{escape(label)}</option>' for pk, label in people
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


def start_select(templates: list[dict[str, Any]]) -> SafeString:
    """The start form's select (`StartChecklistForm(templates=...)`, unbound) as Django's Select
    writes it: each template (rows of pk, name, is_default), the default chosen, else the first."""
    chosen = next((t["pk"] for t in templates if t["is_default"]), templates[0]["pk"] if templates else None)
    options = "".join(
        f'\n  <option value="{int(t["pk"])}"{" selected" if t["pk"] == chosen else ""}>'
        f"{escape(t['name'])}</option>\n"
        for t in templates
    )
    return mark_safe(f'<select name="template" id="id_template">{options}\n</select>')  # noqa: S308 (escaped)


def trail_rows(events: Iterable[Any]) -> SafeString:
    """The audit trail's lines as `_trail.html` wrote them (an event's time, in the reader's
    zone, its actor or "Portal", its summary; every text escaped)."""
    return mark_safe(  # noqa: S308 (escaped)
        "".join(
            f'\n    <li><time datetime="{localtime(event.created_at).isoformat()}" '
            f'class="nowrap small muted">{escape(when(event.created_at))}</time> '
            f'<span class="acc-actor">{escape(event.actor) if event.actor else "Portal"}</span> '
            f"<span>{escape(event.summary)}</span></li>\n    "
            for event in events
        )
    )


def step_html(
    step: Any, *, account_pk: int, counter: int, last: bool, can_manage: bool, csrf_input: str
) -> SafeString:
    """A checklist step as `_step.html` writes it for a step without a failed form (that one,
    which shows the form's errors and what was typed, is rendered by the template). Every text
    from the data is escaped; `csrf_input` is the page's CSRF field."""
    pk, status, kind = int(step.pk), step.status, step.kind
    title = escape(step.title)
    display = escape(step.get_status_display())
    mark = "✓" if status == "done" else str(counter) if status == "pending" else "\u2013"
    badge = " ok" if status == "done" else " warn" if status == "pending" else ""
    kind_badge = (
        '<span class="badge info" title="Checked against synced data after every sync">automatic</span>'
        if kind == "automatic"
        else '<span class="badge info">email</span>'
        if kind == "email"
        else ""
    )
    main = [
        '<div class="acc-step-title">\n'
        f"      <span>{title}</span>\n"
        f'      <span class="badge{badge}">{display}</span>\n'
        f"      {kind_badge}\n"
        f"      {_ADDED if step.is_custom else ''}\n"
        "    </div>",
        f'<details class="acc-how"><summary>How</summary><p>{escape(step.description)}</p></details>'
        if step.description
        else "",
        _handbook(step),
        f'<p class="acc-finding"><span class="muted">Found:</span> {escape(step.check_summary)}</p>'
        if kind == "automatic" and step.check_summary
        else "",
        _evidence(step),
        _email(step, account_pk),
        '<p class="acc-meta">\n      ' + _meta(step) + "\n    </p>",
        "",
    ]
    actions = [_work(step, account_pk, csrf_input) if step.can_work else "", ""]
    if can_manage:
        actions[1] = _edit(step, account_pk, counter, last, csrf_input)
    return mark_safe(  # noqa: S308 (every value above is escaped or a number)
        f'<li class="acc-step is-{escape(slugify(status))}" id="step-{pk}">\n'
        f'  <span class="acc-mark" aria-hidden="true">{mark}</span>\n'
        '  <div class="acc-step-main">\n    '
        + "\n    ".join(main)
        + '\n  </div>\n  <div class="acc-step-actions">\n    '
        + "\n    ".join(actions)
        + "\n  </div>\n</li>"
    )


_ADDED = '<span class="badge" title="Added on this account">added</span>'
_HX = 'hx-target="#onboarding" hx-swap="outerHTML"'


def _handbook(step: Any) -> str:
    template = step.email_template
    if template is not None and template.key == "managing-support-contacts":
        return f'<p class="small acc-handbook">Handbook: {handbook_link("managing_support_contacts")}</p>'
    if step.check_key == "contact_management_project":
        link = handbook_link("contact_management_projects")
        return f'<p class="small acc-handbook">Handbook: CSM guidance on {link}</p>'
    if step.check_key == "collaboration_project":
        return f'<p class="small acc-handbook">Handbook: {handbook_link("collaboration_project")}</p>'
    return ""


def _evidence(step: Any) -> str:
    if not step.evidence or step.kind == "automatic":
        return ""
    label = "Why:" if step.status == "skipped" else "Evidence:"
    text = (
        f'<a href="{escape(step.evidence_url)}">{escape(step.evidence)}</a>'
        if step.evidence_url
        else urlize(step.evidence, nofollow=True, autoescape=True)
    )
    return f'<p class="acc-evidence"><span class="muted">{label}</span> {text}</p>'


def _email(step: Any, account_pk: int) -> str:
    email = step.email
    if email is None:
        return ""
    badge = " ok" if email.status == "sent" else " bad" if email.status == "failed" else ""
    error = f'<span class="small">{escape(email.error)}</span>' if email.status == "failed" else ""
    url = fast_reverse("accounts:email_detail", [account_pk, step.email_id])
    return (
        f'<p class="small"><a href="{escape(url)}">View the email</a>\n'
        f'      <span class="badge{badge}">{escape(email.get_status_display().lower())}</span>\n'
        f"      {error}</p>"
    )


def _meta(step: Any) -> str:
    done = ""
    if step.is_finished:
        display = escape(step.get_status_display())
        who = (
            f"{display} by {escape(step.completed_by)}"
            if step.completed_by
            else f"{display} (verified by the portal)"
        )
        done = f"{who} on {escape(when(step.completed_at))} · "
    return f"{done}Owner: {escape(step.owner) if step.owner else 'nobody'}"


def _form(route: str, account_pk: int, step_pk: int, css: str, body: str, extra: str = "") -> str:
    url = escape(fast_reverse(route, [account_pk, step_pk]))
    return f'<form{css} method="post" action="{url}" hx-post="{url}" {_HX}{extra}>{body}</form>'


def _work(step: Any, account_pk: int, csrf: str) -> str:
    """What the step's owner (or the account's CSM) can do with it now."""
    pk, title = int(step.pk), escape(step.title)
    link = step.action_link
    if step.status == "pending":
        if step.kind == "manual":
            parts = []
            if link:
                parts.append(
                    f'<a class="btn small acc-action" href="{escape(link[1])}">{escape(link[0])}</a>\n'
                    '        <p class="small muted">Done by itself when you do it, with it as evidence; '
                    "or mark it done:</p>"
                )
            body = (
                f"\n          {csrf}\n"
                f'          <label class="sr-only" for="evidence-{pk}">Evidence for “{title}”</label>\n'
                f'          <input type="text" id="evidence-{pk}" name="evidence" maxlength="2000" '
                'placeholder="Evidence (optional): link or note" value="">\n'
                '          <button class="btn small" type="submit">Mark done</button>\n        '
            )
            parts.append(_form("accounts:step_complete", account_pk, pk, ' class="acc-inline"', body))
            first = "\n        ".join(parts) + "\n        "
        elif step.kind == "email":
            url = escape(fast_reverse("accounts:step_email", [account_pk, pk]))
            first = f'<a class="btn small" href="{url}">Write the email</a>'
        elif link:
            first = (
                f'<a class="btn secondary small acc-action" href="{escape(link[1])}">{escape(link[0])}</a>'
            )
        else:
            first = ""
        body = (
            f"\n            {csrf}\n"
            f'            <label class="sr-only" for="reason-{pk}">Why “{title}” does not apply</label>\n'
            f'            <input type="text" id="reason-{pk}" name="reason" maxlength="500" '
            'placeholder="Why it does not apply" value="">\n'
            '            <button class="btn secondary small" type="submit">Skip step</button>\n          '
        )
        skip = _form("accounts:step_skip", account_pk, pk, ' class="acc-inline"', body)
        return (
            f"{first}\n"
            '        <details class="acc-more">\n'
            "          <summary>Skip…</summary>\n"
            f"          {skip}\n"
            "          \n"
            "        </details>"
        )
    if step.status == "skipped" or (step.status == "done" and step.kind != "automatic"):
        undo = _form(
            "accounts:step_reopen",
            account_pk,
            pk,
            "",
            f'\n          {csrf}<button class="btn secondary small" type="submit">Undo</button>\n        ',
        )
        again = ""
        if step.kind == "email":
            url = escape(fast_reverse("accounts:step_email", [account_pk, pk]))
            again = f'<a class="btn secondary small" href="{url}">Send again</a>'
        return f"{undo}\n        {again}"
    return ""


def _edit(step: Any, account_pk: int, counter: int, last: bool, csrf: str) -> str:
    """The account's CSM's (and admins') changes to the step: owner, order, removal."""
    pk, title = int(step.pk), escape(step.title)
    assign = _form(
        "accounts:step_assign",
        account_pk,
        pk,
        ' class="acc-inline"',
        f"\n        {csrf}\n"
        f'        <label class="sr-only" for="owner-{pk}">Owner of “{title}”</label>\n'
        f"        {step.owner_select}\n"
        '        <button class="btn secondary small" type="submit">Assign</button>\n      ',
    )

    def move(direction: str, label: str) -> str:
        return _form(
            "accounts:step_move",
            account_pk,
            pk,
            "",
            f'{csrf}<input type="hidden" name="direction" value="{direction}">'
            f'<button class="btn secondary small" type="submit" title="Move {direction}">{label}</button>',
        )

    up = move("up", "↑ Up") if counter > 1 else ""
    down = move("down", "↓ Down") if not last else ""
    remove = (
        _form(
            "accounts:step_remove",
            account_pk,
            pk,
            "",
            f'{csrf}<button class="btn danger small" type="submit">Remove</button>',
            f' hx-confirm="Remove “{title}”?"',
        )
        if step.is_custom
        else ""
    )
    return (
        '<details class="acc-more">\n'
        "      <summary>Edit</summary>\n"
        f"      {assign}\n"
        '      <div class="acc-inline">\n'
        f"        {up}\n        {down}\n        {remove}\n"
        "      </div>\n"
        "    </details>"
    )
