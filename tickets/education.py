"""The education email: drafted from an account's most common gaps with the handbook's advice,
addressed to one of the account's own contacts, and sent only by whoever may speak for the account."""

from __future__ import annotations

from typing import Any

from accounts.models import Account
from accounts.recipients import MAX_RECIPIENTS, Recipient, account_recipients
from csmportal.handbook import handbook_url
from users.roles import Role, has_role, is_admin

from .account_review import AccountReview
from .review import CHECKS, Check

MAX_LESSONS = 4
__all__ = [
    "LESSONS",
    "MAX_LESSONS",
    "MAX_RECIPIENTS",
    "Recipient",
    "draft_education_email",
    "education_gaps",
    "education_recipients",
    "may_send_education_email",
]

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


def education_recipients(account: Account) -> list[Recipient]:
    """The account's own people (accounts.recipients): the sold-to contact, its Salesforce
    contacts, and the entitled Zendesk users of its trusted organizations, never the people of an
    organization that only carries the account's Salesforce ID."""
    return account_recipients(account)


def education_gaps(review: AccountReview) -> list[str]:
    """The gaps the email teaches: the most common ones, at most four."""
    return [g.code for g in review.gaps[:MAX_LESSONS]]


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
    lines += [
        f"The full guide to opening a good ticket is at {handbook_url('support_docs')} and you "
        f"open tickets at {handbook_url('support_portal')}",
        "",
        "Happy to go through this with your team on our next call.",
        "",
        "Best regards,",
        sender_name,
    ]
    return subject, "\n".join(lines)
