"""The account review's two tables written in Python (the most common gaps, the lowest-scoring
tickets): through the template engine their rows cost more than the page's queries (a lookup,
a filter and a `reverse` per cell). Every value is escaped as the template escaped it
(`csmportal.fast_html.escape`); customer text is masked, then cut."""

from __future__ import annotations

from django.utils.safestring import SafeString, mark_safe

from accounts.claims import ticket_claim_unconfirmed
from csmportal.dates import day
from csmportal.fast_html import escape, truncate_chars
from csmportal.instances import label, labels
from csmportal.url_tags import fast_reverse

from .account_review import AccountReview
from .review import mask
from .rows import STATUS_LABELS, score_class

DASH = "\u2014"
CLAIM_BADGE = (
    ' <a class="badge warn" href="{}#claims" title="{} carries this account\'s Salesforce ID, but its name'
    " and domains do not match the account's and nobody has confirmed it\">other organization, not "
    "confirmed</a>"
)


def gap_rows(review: AccountReview) -> SafeString:
    """The `<tr>`s of "Most common gaps", each linking the period's tickets with that gap."""
    tickets_url = escape(review.tickets_url)
    return mark_safe(  # noqa: S308 - every value went through escape
        "".join(
            f'<tr><td><strong>{escape(gap.label)}</strong></td><td class="num">{gap.count}</td>'
            f'<td class="num">{gap.share}%</td><td class="small">{escape(gap.handbook)}</td>'
            f'<td class="nowrap"><a href="{tickets_url}&amp;finding={escape(gap.code)}">See tickets</a></td>'
            "</tr>\n"
            for gap in review.gaps
        )
    )


def lowest_rows(review: AccountReview) -> SafeString:
    """The `<tr>`s of "Lowest-scoring tickets"; a ticket whose organization claims the account
    unconfirmed is marked as on the account page."""
    account = review.account
    account_url = escape(fast_reverse("accounts:detail", [account.pk]))
    names = labels()  # {} with one instance: no "Instance" column
    out = []
    for t in review.lowest:
        url = escape(t.get_absolute_url())
        subject = escape(truncate_chars(mask(str(t.subject or "")) or "(no subject)", 80))
        claim = ""
        if t.organization is not None and ticket_claim_unconfirmed(t, account):
            claim = CLAIM_BADGE.format(account_url, escape(t.organization.name))
        out.append(
            f'<tr><td class="mono"><a href="{url}">{t.zd_id}</a></td>'
            + (f'<td class="nowrap">{escape(label(names, t.zd_instance))}</td>' if names else "")
            + f'<td><a href="{url}">{subject}</a>{claim}</td>'
            f"<td>{escape(t.requester or DASH)}</td>"
            f'<td><span class="badge">{escape(STATUS_LABELS.get(t.status, t.status))}</span></td>'
            f'<td class="num"><span class="badge {score_class(t.quality_score)}">'
            f"{t.quality_score}</span></td>"
            f'<td class="nowrap">{escape(day(t.zd_created_at))}</td></tr>\n'
        )
    return mark_safe("".join(out))  # noqa: S308 - every value went through escape
