"""The best-practice checks: what each one looks for, its weight, and the handbook's guidance.

The handbook ("CSM and Support Interaction", Support Ticket Best Practice) asks CSMs to teach
customers to file tickets that support can act on at once. Each check below is one item of
that list. A positive check earns points when the ticket does what the handbook asks; a
negative check (a practice to avoid) takes points away. Scores run from 0 to 100.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from csmportal.handbook import handbook_url

# From the one table of handbook links (resolved with the settings at start-up).
SENSITIVE_INFO_URL = handbook_url("sensitive_information")
PREFERRED_REGION_URL = handbook_url("preferred_region")


class Check(models.TextChoices):
    DETAIL = "detail", "Detailed first submission"
    SUMMARY = "summary", "Summary: start, frequency, impact"
    STEPS = "steps", "Steps to reproduce"
    CURRENT = "current", "Current behaviour"
    EXPECTED = "expected", "Expected behaviour"
    CHANGES = "changes", "Recent changes"
    LOGS = "logs", "Logs or screenshots attached"
    DOC_ATTACHMENT = "doc_attachment", ".doc/.pdf attachments"
    SENSITIVE = "sensitive", "Sensitive information shared"
    REGION = "region", "Preferred region chosen"
    CALL_REQUEST = "call_request", "Call requested in the first submission"
    FOLLOW_UP = "follow_up", "Follow-up items not answered"


# What each check is called where it is a gap (filters, the account review, exports, the
# ticket's own gaps): the missing thing or the practice found, so a label reads as the problem.
GAP_LABELS: dict[str, str] = {
    Check.DETAIL: "First submission short on detail",
    Check.SUMMARY: "No summary (start, frequency, impact)",
    Check.STEPS: "No steps to reproduce",
    Check.CURRENT: "No current behaviour",
    Check.EXPECTED: "No expected behaviour",
    Check.CHANGES: "No recent changes mentioned",
    Check.LOGS: "No logs or screenshots attached",
    Check.DOC_ATTACHMENT: ".doc/.pdf attached",
    Check.SENSITIVE: "Sensitive information shared",
    Check.REGION: "No preferred region chosen",
    Check.CALL_REQUEST: "Call requested in the first submission",
    Check.FOLLOW_UP: "Follow-up items not answered",
}
GAP_CHOICES = [(code, GAP_LABELS[code]) for code in Check.values]


class Outcome(models.TextChoices):
    PASS = "pass", "Done"
    PARTIAL = "partial", "Partly done"
    MISSING = "missing", "Missing"
    CLEAR = "clear", "None found"
    FLAGGED = "flagged", "Found"


GAP_OUTCOMES = frozenset({Outcome.PARTIAL, Outcome.MISSING, Outcome.FLAGGED})


@dataclass(frozen=True)
class CheckInfo:
    code: str
    negative: bool  # a practice to avoid: its points are taken away when found
    points: int  # earned (positive) or taken away (negative)
    handbook: str  # the handbook's own words this check comes from
    advice: str  # customer-facing guidance, used in the education email

    @property
    def title(self) -> str:
        """The practice ("Steps to reproduce"), where passes and gaps are listed together."""
        return Check(self.code).label

    @property
    def gap(self) -> str:
        """The practice as a gap ("No steps to reproduce"), where only gaps are listed."""
        return GAP_LABELS[self.code]


CHECKS: dict[str, CheckInfo] = {
    c.code: c
    for c in (
        CheckInfo(
            Check.DETAIL,
            False,
            10,
            "Provide as much detail as possible during the first submission of the ticket.",
            "Put everything you know into the first message of the ticket. An engineer can start "
            "working straight away instead of writing back to ask for the basics.",
        ),
        CheckInfo(
            Check.SUMMARY,
            False,
            20,
            "Summary of issue (when did it start, how frequently, impact on organization, etc.)",
            "Start with a short summary: when the problem started, how often it happens (every "
            "time, or intermittently) and what it means for your organization (who is blocked, "
            "whether there is a workaround).",
        ),
        CheckInfo(
            Check.STEPS,
            False,
            15,
            "Detailed steps to recreate.",
            "List the steps that reproduce the problem, one per line, starting from a known state "
            '("1. Open project X  2. Run pipeline Y  3. ..."), including the commands you ran.',
        ),
        CheckInfo(
            Check.CURRENT,
            False,
            12,
            "Current behavior.",
            "Describe what actually happens, quoting the exact error message or HTTP status you "
            "see, rather than \u201cit doesn't work\u201d.",
        ),
        CheckInfo(
            Check.EXPECTED,
            False,
            12,
            "Expected behavior.",
            "Say what you expected to happen instead, so the engineer knows what a fix looks like.",
        ),
        CheckInfo(
            Check.CHANGES,
            False,
            10,
            "Any recent changes to GitLab, its components, dependencies, or the services it's hosted on?",
            "Mention any recent change: an upgrade of GitLab or a runner, a new configuration, a "
            "change to the servers, network or cloud services it runs on. If nothing changed, say so.",
        ),
        CheckInfo(
            Check.LOGS,
            False,
            16,
            "Attach logs and screenshots.",
            "Attach the relevant logs (as plain-text files, or pasted into the ticket) and "
            "screenshots of what you see.",
        ),
        CheckInfo(
            Check.DOC_ATTACHMENT,
            True,
            10,
            "Attach logs and screenshots (avoid attaching .doc or .pdf files).",
            "Please avoid .doc or .pdf files: write the details in the ticket itself, attach logs "
            "as text files and screenshots as images, so engineers can read and search them directly.",
        ),
        CheckInfo(
            Check.SENSITIVE,
            True,
            25,
            "Please see Handling Sensitive Information With GitLab Support to ensure you are not "
            "sharing sensitive information.",
            "Never paste passwords, private keys or access tokens into a ticket; remove them from "
            "logs and configuration files before attaching them. If one was shared, revoke it and "
            f"create a new one. See {SENSITIVE_INFO_URL}",
        ),
        CheckInfo(
            Check.REGION,
            False,
            5,
            "If you prefer Support to only answer during your business hours, choose your region; "
            "please note if you select a region, the SLA will only be within those business hours. "
            'Otherwise, choose "All regions" to get the standard SLAs and responses from our global '
            "support team.",
            "Choose a preferred region for support when you open a ticket. A region means replies "
            "(and the SLA) only within that region's business hours; \u201cAll Regions\u201d gets the "
            f"standard SLAs from the global team. See {PREFERRED_REGION_URL}",
        ),
        CheckInfo(
            Check.CALL_REQUEST,
            True,
            10,
            "Try and avoid requesting a call during the initial ticket submission. We would like to "
            "keep all communication within the ticket and attempt to resolve the issue there before "
            "going to a call. If a call is necessary, the support engineer will invite your team to "
            "a call via the ticket.",
            "Please don't ask for a call in the first message: most problems are solved fastest in "
            "the ticket itself. If a call is needed, the support engineer will invite your team to "
            "one through the ticket.",
        ),
        CheckInfo(
            Check.FOLLOW_UP,
            True,
            10,
            "If a support engineer requests follow up items, please make sure to respond back with "
            "these items. This will help us resolve the issue as quickly as possible.",
            "When a support engineer asks for something (logs, the output of a command, a "
            "confirmation), reply in the ticket with it as soon as you can; the ticket waits on "
            "your answer until then.",
        ),
    )
}

MAX_POINTS = sum(c.points for c in CHECKS.values() if not c.negative)
assert MAX_POINTS == 100, "positive checks must add up to 100"
