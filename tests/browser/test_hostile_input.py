"""Hostile input, end to end: XSS, HTML and template-injection payloads written where customers
and colleagues write (Zendesk ticket subjects, descriptions and comments, org notes and fields,
user names; Salesforce account, contact and user names; feedback, rating comments, request
notes, step evidence, a portal user's name), mirrored by the real sync from the sandbox, then
opened in Chromium on every page that shows them.

On every page: no script runs (alert/confirm/prompt are trapped, dialogs are recorded, and the
payloads try to set `window.__pwned`), no markup is interpreted (no element carries the
payloads' `data-pwned` attribute, no link has a `javascript:` address), and the payloads are
shown as text. The `page` fixture fails the test on any console error or failed request (an
`<img src=x>` that got interpreted would fail to load).
"""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from accounts.checklist_models import AccountEmail, EmailStatus, StepKind
from accounts.models import Account, Organization
from accounts.services.checklists import checklist_step_complete
from feedback.services import feedback_comment, feedback_forward
from integrations.runner import run_stream
from integrations.streams import ORDER
from notifications.emails import ticket_email
from notifications.mail import OutboxBackend
from notifications.models import Delivery, Notification, OutboxMessage
from notifications.models import EmailStatus as NotificationEmailStatus
from supportops.services import ops_request_open_notes
from tests.browser.conftest import log_in
from tests.factories import RatingFactory, UserFactory
from tests.factories.accounts import start_checklist
from tests.hardening.payloads import CORPUS, MARK, tagged, without_nul
from tickets.models import Ticket

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

TRAPS = """
window.__dialogs = [];
for (const name of ["alert", "confirm", "prompt", "print"]) {
  window[name] = (...args) => { window.__dialogs.push(name + ":" + args.join(" ")); };
}
"""

PROBE = """() => ({
  pwned: window.__pwned === undefined ? null : String(window.__pwned),
  dialogs: window.__dialogs || [],
  injected: document.querySelectorAll("[data-pwned]").length,
  jsLinks: [...document.querySelectorAll("a[href], area[href], form[action], iframe[src]")]
    .map((el) => el.getAttribute("href") || el.getAttribute("action") || el.getAttribute("src") || "")
    .filter((value) => /^\\s*(javascript|data|vbscript):/i.test(value)),
  text: document.body ? document.body.innerText : "",
})"""


def P(i: int) -> str:
    return without_nul(tagged(i, CORPUS[i % len(CORPUS)]))


@pytest.fixture
def hostile(sandbox, settings):
    """Plant the corpus in the sandbox and the portal; return what the pages need."""
    for name, value in sandbox.settings().items():
        setattr(settings, name, value)
    settings.ZENDESK_RATE_LIMIT = ""
    state = sandbox.state
    world = state.world
    account_sf = next(
        a
        for a in world.accounts
        if any(o["organization_fields"].get("salesforce_id") == a["Id"] for o in world.orgs)
    )
    org = next(o for o in world.orgs if o["organization_fields"].get("salesforce_id") == account_sf["Id"])
    members = world.org_members.get(org["id"]) or []
    requester = (
        members[0] if members else state.add_user("Requester", "requester@hostile.example", org["id"])["id"]
    )

    # Zendesk: a ticket per payload (subject and description), a customer comment, org fields.
    for i in range(len(CORPUS)):
        ticket, _ = state.create_ticket(
            {"subject": P(i), "organization_id": org["id"], "requester_id": requester, "priority": "high"},
            {"body": P(i + 1)},
            notify=False,
        )
    state.update_ticket(ticket["id"], comment={"body": P(2), "public": True}, author_id=requester)
    state.update_org(
        org["id"],
        {
            "notes": P(0),
            "details": P(1),
            "organization_fields": {
                "cmp_developers": f"- {P(3)}\n- [x](javascript:window.__pwned='cmp')\n- {P(11)}",
                "technical_account_manager": P(4),
                "am_project_id": "javascript:window.__pwned='am'",
                "cmp_id": P(5)[:30],
            },
        },
    )
    state.add_user(P(6), "hostile.user@hostile.example", org["id"])
    # Salesforce: the account's, its contacts' and the CSM's names.
    state.sf.update("Account", account_sf["Id"], {"Name": P(7)})
    for n, contact in enumerate(c for c in world.contacts if c["AccountId"] == account_sf["Id"]):
        state.sf.update("Contact", contact["Id"], {"FirstName": P(8 + n % 3), "LastName": P(12)})
        if n >= 3:
            break
    if account_sf.get("CSM__c"):
        state.sf.update("User", account_sf["CSM__c"], {"Name": P(9)})

    for spec in ORDER:
        run_stream(spec.name, may_wait=True)

    account = Account.objects.get(sf_id=account_sf["Id"])
    portal_org = Organization.objects.get(zd_id=org["id"])
    csm = UserFactory(roles=["CSM"], email="hostile.csm@example.com", name=P(10)[:150])
    admin = UserFactory(
        roles=["Admin"], email="hostile.admin@example.com", name="Admin", is_staff=True, is_superuser=True
    )
    for user in (csm, admin):
        user.set_password("test-password-123")
        user.save()
    account.csm = csm
    account.save()
    tickets = list(Ticket.objects.filter(organization=portal_org, subject__startswith=MARK).order_by("zd_id"))
    assert len(tickets) == len(CORPUS), "the sync mirrored every planted ticket"

    # Portal-side text: feedback, a rating, a request's notes, step evidence, an email, notifications.
    item = feedback_forward(
        forwarded_by=csm,
        account=account,
        sentiment="negative",
        channel="call",
        customer_words=P(0),
        csm_context=P(1),
        ticket=tickets[0],
    )
    feedback_comment(feedback=item, by=csm, body=P(2))
    RatingFactory(
        ticket=tickets[1],
        account=account,
        organization=portal_org,
        score="bad",
        comment=P(3),
        reason=P(4)[:200],
    )
    request = ops_request_open_notes(user=csm, organization=portal_org, notes=P(5)[:1900])
    checklist = start_checklist(account, actor=csm)
    manual = checklist.steps.filter(kind=StepKind.MANUAL).order_by("position")
    checklist_step_complete(step=manual[0], actor=csm, evidence="javascript:window.__pwned='evidence'")
    checklist_step_complete(step=manual[1], actor=csm, evidence=P(6))
    email = AccountEmail.objects.create(
        account=account,
        sent_by=csm,
        to_email="buyer@hostile.example",
        subject=P(7)[:200],
        body=P(8),
        status=EmailStatus.SENT,
        sent_at=timezone.now(),
    )
    notifications = [
        Notification.objects.create(
            ticket=t,
            recipient=csm,
            reason="csm",
            delivery=Delivery.IMMEDIATE,
            email_status=NotificationEmailStatus.SENT,
        )
        for t in tickets[:6]
    ]
    OutboxBackend().send_messages([ticket_email(n) for n in notifications[:3]])
    return {
        "account": account,
        "tickets": tickets,
        "feedback": item,
        "request": request,
        "email": email,
        "outbox": OutboxMessage.objects.order_by("pk").first(),
    }


def _visit(page: Page, path: str, *, shows_payload: bool = True) -> None:
    page.goto(path)
    page.wait_for_load_state("networkidle")
    for frame in page.frames:
        found = frame.evaluate(PROBE)
        where = f"{path} (frame {frame.url[:60]})"
        assert found["pwned"] is None, f"a script ran on {where}: {found['pwned']}"
        assert not found["dialogs"], f"a dialog was called on {where}: {found['dialogs']}"
        assert found["injected"] == 0, f"markup was interpreted on {where}"
        assert not found["jsLinks"], f"a script address became a link on {where}: {found['jsLinks']}"
    text = page.frames[0].evaluate(PROBE)["text"]
    if shows_payload:
        assert MARK in text, f"{path} does not show the planted text"
        assert (
            "<script>" in text or "<img" in text or "<b " in text or "{{" in text or "javascript:" in text
        ), f"{path} shows the payloads, but not literally"


def test_no_planted_payload_runs_or_renders_as_markup_on_any_page(page: Page, hostile):
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.context.add_init_script(TRAPS)
    account, tickets = hostile["account"], hostile["tickets"]
    a = account.pk

    log_in(page, "hostile.csm@example.com")
    csm_pages = [
        "/tickets/?csm=any",
        f"/tickets/?csm=any&account={a}",
        *(f"/tickets/{t.zd_id}/" for t in tickets),
        "/accounts/?csm=any",
        f"/accounts/?csm=any&q={account.sf_id}",
        f"/accounts/{a}/",
        f"/accounts/{a}/history/",
        f"/accounts/{a}/emails/{hostile['email'].pk}/",
        f"/contacts/account/{a}/",
        f"/tickets/accounts/{a}/review/",
        f"/tickets/accounts/{a}/education-email/",
        "/feedback/",
        f"/feedback/{hostile['feedback'].pk}/",
        f"/feedback/ratings/?account={a}",
        f"/feedback/accounts/{a}/cadence/",
        "/feedback/forward/?account=" + str(a),
        "/requests/",
        f"/requests/{hostile['request'].pk}/",
        "/notifications/",
        "/notifications/findings/",
        "/profile/",
    ]
    for path in csm_pages:
        _visit(
            page,
            path,
            shows_payload=path not in ("/notifications/findings/", "/feedback/forward/?account=" + str(a)),
        )

    page.context.clear_cookies()
    log_in(page, "hostile.admin@example.com")
    for path in (
        "/notifications/outbox/",
        f"/notifications/outbox/{hostile['outbox'].pk}/",
        "/feedback/",
        f"/requests/{hostile['request'].pk}/",
    ):
        _visit(page, path)
    assert not dialogs, f"dialogs opened: {dialogs}"
