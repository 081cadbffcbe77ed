"""The education email: drafted from an account's most common gaps with the handbook's advice,
addressed to one of the account's own contacts, and sent only by whoever may speak for the account."""

from __future__ import annotations

from typing import Any

from accounts.models import Account
from accounts.recipients import MAX_RECIPIENTS, Recipient, account_recipients
from csmportal.handbook import handbook_url
from users.roles import Role, has_role, is_admin

from .account_review import AccountReview
from .models import Ticket
from .review import CHECKS, Check

MAX_LESSONS = 4
__all__ = [
    "LESSONS",
    "MAX_LESSONS",
    "MAX_RECIPIENTS",
    "Recipient",
    "draft_education_email",
    "draft_ticket_education_email",
    "education_gaps",
    "education_recipients",
    "may_send_education_email",
    "requester_first_name",
    "ticket_gaps",
]
GAP_OUTCOMES = ("partial", "missing", "flagged")

LESSONS = {
    Check.DETAIL: "Put all the detail into the first message",
    Check.SUMMARY: "Open with a summary: since when, how often, what impact",
    Check.STEPS: "Include the steps to reproduce",
    Check.CURRENT: "Describe what actually happens",
    Check.EXPECTED: "Say what you expected instead",
    Check.CHANGES: "Mention recent changes",
    Check.LOGS: "Attach logs and screenshots",
    Check.DOC_ATTACHMENT: "Avoid .doc and .pdf attachments",
    Check.SENSITIVE: "Keep passwords, keys and tokens out of tickets",
    Check.REGION: "Choose a preferred region for support",
    Check.CALL_REQUEST: "Keep the conversation in the ticket",
    Check.FOLLOW_UP: "Reply to support's follow-up questions",
}


def may_send_education_email(user: Any, account: Account) -> bool:
    """The account's CSM (or an admin) speaks for the account; a CSM covers an account without one."""
    if is_admin(user):
        return True
    if not has_role(user, Role.CSM):
        return False
    return account.csm_id is None or account.csm_id == user.pk


def education_recipients(account: Account, user: Any = None) -> list[Recipient]:
    """The account's own people (accounts.recipients): the sold-to contact, its Salesforce
    contacts, and the entitled Zendesk users of its trusted organizations, never the people of an
    organization that only carries the account's Salesforce ID. The Zendesk users are those
    `user` (the sender) may see (docs/instances.md, Access)."""
    return account_recipients(account, user)


def education_gaps(review: AccountReview) -> list[str]:
    """The gaps the email teaches: the most common ones, at most four."""
    return [g.code for g in review.gaps[:MAX_LESSONS]]


def teaching_order(finding: dict) -> tuple[int, int]:
    """Practices to stop (a secret first) before missing details, biggest first."""
    info = CHECKS[finding["code"]]
    lost = finding.get("points", 0) if info.negative else info.points - finding.get("points", 0)
    return (0 if info.negative else 1, -lost)


def ticket_findings(ticket: Ticket) -> list[dict]:
    """The ticket's review results that are known checks (what the ticket page shows)."""
    findings = ticket.quality_findings if isinstance(ticket.quality_findings, list) else []
    return [f for f in findings if isinstance(f, dict) and f.get("code") in CHECKS]


def ticket_gap_findings(ticket: Ticket) -> list[dict]:
    """The ticket's own gaps (partly done, missing or found), in teaching order."""
    return sorted(
        (f for f in ticket_findings(ticket) if f.get("outcome") in GAP_OUTCOMES), key=teaching_order
    )


def ticket_gaps(ticket: Ticket) -> list[str]:
    """The gaps an email about this one ticket teaches: its own, at most four."""
    return [f["code"] for f in ticket_gap_findings(ticket)[:MAX_LESSONS]]


def requester_first_name(ticket: Ticket) -> str:
    """How to greet the ticket's requester: the Salesforce contact's first name, else the first
    word of their Zendesk name ("" when the portal knows neither)."""
    person = ticket.requester
    if person is None or person.deleted_at is not None:
        return ""
    contact = getattr(person, "contact", None)
    if contact is not None and (contact.first_name or "").strip():
        return contact.first_name.split()[0][:60]
    words = (person.name or "").split()
    return words[0][:60] if words and "@" not in words[0] else ""


def draft_ticket_education_email(ticket: Ticket, *, sender_name: str) -> tuple[str, str]:
    """(subject, body) of an email to the ticket's requester about this ticket's own gaps."""
    name = requester_first_name(ticket)
    subject = f"Your support ticket #{ticket.zd_id}: tips for faster answers"
    lines = [f"Hello {name}," if name else "Hello,", ""]
    codes = ticket_gaps(ticket)
    if codes:
        lines += [
            f"Thank you for opening ticket #{ticket.zd_id} with support. I had a look at it, and a few "
            "habits would get you an answer faster next time:",
            "",
        ]
        for n, code in enumerate(codes, 1):
            lines += [f"{n}. {LESSONS.get(Check(code), CHECKS[code].title)}", f"   {CHECKS[code].advice}", ""]
    else:
        lines += [
            f"Thank you for opening ticket #{ticket.zd_id} with support: it follows support's best "
            "practices very well, and it makes a real difference to how fast support can help.",
            "",
        ]
    lines += _closing(sender_name)
    return subject, "\n".join(lines)


def _closing(sender_name: str) -> list[str]:
    return [
        f"The full guide to opening a good ticket is at {handbook_url('support_docs')} and you "
        f"open tickets at {handbook_url('support_portal')}",
        "",
        "Happy to go through this with your team on our next call.",
        "",
        "Best regards,",
        sender_name,
    ]


def draft_education_email(review: AccountReview, *, sender_name: str) -> tuple[str, str]:
    """(subject, body) of a customer-facing email built from the account's most common gaps."""
    account = review.account
    subject = f"Getting faster answers from support: tips for {account.name}"
    period = f"the last {review.weeks} weeks"
    lines = ["Hello,", ""]
    lessons = review.gaps[:MAX_LESSONS]
    if not review.reviewed:
        lines += [
            f"I looked at the support tickets {account.name} opened over {period}, and there were none "
            "to review. When you next open one, these habits get your team the fastest answers:",
            "",
        ]
        lessons = []
        generic = [Check.SUMMARY, Check.STEPS, Check.LOGS, Check.SENSITIVE]
        for n, code in enumerate(generic, 1):
            lines += [f"{n}. {LESSONS[code]}", f"   {CHECKS[code].advice}", ""]
    elif not lessons:
        lines += [
            f"I reviewed the {review.reviewed} support tickets {account.name} opened over {period}: "
            "they follow support's best practices very well. Thank you, it makes a real difference to "
            "how fast support can help.",
            "",
        ]
    else:
        lines += [
            f"I reviewed the {review.reviewed} support tickets {account.name} opened over {period}. "
            "A few habits would get your team answers from support faster:",
            "",
        ]
        for n, gap in enumerate(lessons, 1):
            lines += [
                f"{n}. {LESSONS.get(Check(gap.code), gap.label)}",
                f"   {gap.advice}",
                f"   (This came up in {gap.count} of the {review.reviewed} tickets.)",
                "",
            ]
    lines += _closing(sender_name)
    return subject, "\n".join(lines)
