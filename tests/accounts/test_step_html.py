"""Checklist steps written in Python (accounts.onboarding_html.step_html) give the HTML
`_step.html` writes, for every kind, status and right, hostile text escaped."""

import datetime as dt
import itertools
import re

import pytest
from django.template import Context, Template
from django.utils import timezone
from django.utils.html import format_html

from accounts.checklist_models import AccountEmail, ChecklistStep, EmailTemplate
from accounts.onboarding_html import owner_options, owner_select, step_html
from users.models import User

pytestmark = pytest.mark.django_db

TOKEN = "csrf-token-of-this-page"
STEPS = Template('{% for step in steps %}{% include "accounts/_step.html" %}{% endfor %}')
HOSTILE = '<img src=x onerror="alert(1)"> & “quotes”'


def _same(html: str) -> str:
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", str(html))).strip()


def _steps() -> list[ChecklistStep]:
    owner = User(pk=41, email="owner@example.com", name="Olive <Owner>")
    done_by = User(pk=42, email="done@example.com", name="Dan & Co")
    kinds = [
        dict(kind="manual", action_link=("Request static notes", "/requests/new/?account=7&x=<1>")),
        dict(kind="manual", action_link=None, description=HOSTILE, is_custom=True),
        dict(kind="automatic", check_key="contact_management_project", check_summary=HOSTILE),
        dict(kind="automatic", check_key="collaboration_project", action_link=("Ask", "/r/?a=1&b=2")),
        dict(kind="email", email_template=EmailTemplate(key="managing-support-contacts")),
    ]
    states = [
        dict(status="pending"),
        dict(status="done", completed_by=done_by, evidence="see https://example.com/x?a=1&b=<2>"),
        dict(status="done", evidence=HOSTILE, evidence_url="/accounts/7/emails/3/"),
        dict(status="skipped", evidence="not needed <really>", owner=owner),
        dict(status="n/a", check_summary="no org"),
    ]
    emails = [None, "sent", "failed", "queued"]
    steps = []
    for n, (kind, state, email) in enumerate(itertools.product(kinds, states, emails), start=1):
        fields = {key: value for key, value in {**kind, **state}.items() if key != "action_link"}
        step = ChecklistStep(pk=n, position=n, title=f"Step {n} {HOSTILE}", **fields)
        step.action_link = kind.get("action_link")
        if step.status != "pending":
            step.completed_at = timezone.now() - dt.timedelta(days=n)
        if email:
            step.email = AccountEmail(pk=100 + n, status=email, error="refused <by> server")
        steps.append(step)
    return steps


@pytest.mark.parametrize("can_work, can_manage", [(True, True), (True, False), (False, False)])
def test_a_step_is_written_as_the_template_writes_it(can_work, can_manage):
    steps = _steps()
    options = owner_options([(41, str(User(pk=41, email="o@example.com", name="Olive <Owner>")))])
    for step in steps:
        step.can_work, step.form = can_work, None
        step.owner_select = owner_select(step.pk, step.owner_id, options)
    csrf = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', TOKEN)
    written = "".join(
        step_html(step, account_pk=7, counter=n, last=n == len(steps), can_manage=can_manage, csrf_input=csrf)
        for n, step in enumerate(steps, start=1)
    )
    context = {"steps": steps, "account": {"pk": 7}, "can_manage": can_manage, "csrf_token": TOKEN}
    assert _same(written) == _same(STEPS.render(Context(context)))
    assert "<img" not in written and "&lt;img" in written
