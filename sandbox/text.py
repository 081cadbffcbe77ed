"""Ticket text: from exemplary reports to one-liners, in many phrasings.

Every element (summary, steps, current/expected behaviour, recent changes, logs, sign-off,
agent follow-ups) has several templates and headings, so that the portal's best-practice
checks cannot be tuned to one sentence.
"""

from __future__ import annotations

import random
import string

from .ids import iso_z, pick, rand
from .topics import TOPICS, Topic

QUALITIES = ("exemplary", "good", "fair", "poor")
QUALITY_WEIGHTS = (20, 30, 25, 25)

H_SUMMARY = ("Summary", "Problem summary", "What happened", "Overview", "Issue", "Description")
H_STEPS = ("Steps to reproduce", "How to reproduce", "Reproduction steps", "To reproduce", "Steps")
H_CURRENT = (
    "Current behavior",
    "Current behaviour",
    "What we see",
    "Actual result",
    "Observed behaviour",
    "What happens",
)
H_EXPECTED = (
    "Expected behavior",
    "Expected behaviour",
    "What we expect",
    "Expected result",
    "What should happen",
)
H_CHANGES = (
    "Recent changes",
    "What changed recently",
    "Changes before the issue started",
    "Anything changed?",
)
H_LOGS = ("Logs", "Relevant logs", "Log output", "Log excerpt", "Logs and screenshots")
H_ENV = ("Environment", "Setup", "Our environment", "Version info")

WHEN = (
    "Since this morning around {hh}:{mm} UTC",
    "Starting {n} days ago",
    "Since the upgrade last {weekday}",
    "Since yesterday evening",
    "For the past {n} hours",
    "Since {weekday} at roughly {hh}:{mm} (UTC)",
    "Beginning on {weekday}",
)
HOW_OFTEN = (
    "it happens every time",
    "it happens intermittently, roughly 1 in {k} attempts",
    "about {pct}% of requests fail",
    "it fails consistently",
    "it happens a few times an hour",
    "it is reproducible on every try",
    "it occurs sporadically, maybe twice a day",
)
IMPACT = (
    "this blocks all {seats} developers from merging",
    "our release planned for {weekday} is blocked",
    "only the staging instance is affected for now",
    "production is effectively down for the {team} team",
    "it slows down the whole team but there is a workaround",
    "{n} teams are unable to deploy",
    "it is a nuisance, not urgent",
    "we cannot onboard the new hires this week",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
TEAMS = ("payments", "mobile", "data", "platform", "EU", "APAC", "backend", "QA")
INSTALLS = (
    "Omnibus package on Ubuntu 22.04",
    "Helm chart on EKS",
    "Docker Compose",
    "Omnibus on RHEL 8",
    "the SaaS offering",
    "Helm chart on GKE",
    "a 3k reference architecture",
)
OPENERS = ("Hi team,", "Hello,", "Hi support,", "Dear Support,", "Hi,", "Hello there,", "")
SIGNOFFS = (
    "Thanks,\n{first}",
    "Best regards,\n{first} {last}\n{title}, {company}",
    "Cheers,\n{first}",
    "Kind regards,\n{first} {last}",
    "Thank you!\n{first}",
    "--\nSent from my phone",
    "Regards\n{first} {last}",
)
CALL_ASKS = (
    "Please call me ASAP at +1 415 555 01{d2}.",
    "Can someone jump on a Zoom call right now?",
    "We need a call immediately, this cannot wait.",
    "Call me back urgently: +44 20 7946 0{d3}.",
    "I want a call with an engineer today, not emails.",
    "Please set up a screen share ASAP!!",
)
ONE_LINERS = (
    "{subject}. Please fix.",
    "It doesn't work. {subject}.",
    "{subject}!!!",
    "see attached",
    "URGENT - nothing works since this morning",
    "{subject}, help",
    "Same problem as last time.",
    "{subject} - please advise",
    "broken again",
    "Why is this still not fixed?",
)
POOR_ATTACH_NOTE = (
    "Details in the attached document.",
    "See the attached file for everything.",
    "I wrote it all up in the attachment.",
    "Screens attached.",
)
SECRET_INTROS = (
    "Here is the token we use: {secret}",
    "Our config (if it helps):\n{secret}",
    "I tried with this token {secret} and it still fails",
    'curl -H "Authorization: Bearer {secret}" https://git.{domain}/api/v4/projects',
    "Login for your engineer: admin / {secret}",
)


class _Values(dict):
    """Placeholder values computed only when a template asks for them."""

    def __init__(self, r: random.Random, ctx: dict) -> None:
        super().__init__(ctx)
        self.r = r

    def __missing__(self, key: str) -> object:
        return _MAKERS[key](self.r)


_MAKERS = {
    "hh": lambda r: f"{rand(r, 24):02d}",
    "mm": lambda r: f"{rand(r, 60):02d}",
    "n": lambda r: rand(r, 2, 9),
    "weekday": lambda r: pick(r, WEEKDAYS),
    "k": lambda r: rand(r, 3, 12),
    "pct": lambda r: rand(r, 5, 60),
    "team": lambda r: pick(r, TEAMS),
    "d2": lambda r: f"{rand(r, 100):02d}",
    "d3": lambda r: f"{rand(r, 1000):03d}",
    "v": lambda r: version(r),
    "ms": lambda r: rand(r, 200, 60_000),
}


def _fill(template: str, r: random.Random, ctx: dict) -> str:
    if "{" not in template:
        return template
    return template.format_map(_Values(r, ctx))


def version(r: random.Random) -> str:
    major = pick(r, (16, 17, 17, 18))
    return f"{major}.{rand(r, 0, 11)}.{rand(r, 0, 8)}"


def secret(r: random.Random) -> str:
    kind = rand(r, 5)
    alnum = string.ascii_letters + string.digits
    if kind == 0:
        return "glpat-" + "".join(r.choices(alnum + "_-", k=20))
    if kind == 1:
        return "ghp_" + "".join(r.choices(alnum, k=36))
    if kind == 2:
        return "AKIA" + "".join(r.choices(string.ascii_uppercase + string.digits, k=16))
    if kind == 3:
        return "password: " + pick(r, ("Summer", "Winter", "Welcome", "Gitlab")) + f"{rand(r, 2019, 2027)}!"
    return "eyJhbGciOiJIUzI1NiJ9." + "".join(r.choices(alnum, k=40)) + "." + "".join(r.choices(alnum, k=22))


def _heading(name: str, style: int) -> str:
    return (f"### {name}", f"**{name}:**", f"{name}:", f"{name.upper()}", f"## {name}")[style]


_LEVELS = ("INFO", "INFO", "WARN", "ERROR")


def _log_messages(topic: Topic) -> tuple[str, ...]:
    """64 rendered log messages per topic (rendering them per ticket would be slow)."""
    cached = _LOG_CACHE.get(topic.name)
    if cached is None:
        r = random.Random(topic.name)
        cached = tuple(
            f"{_LEVELS[n % 4]} "
            + r.choice(topic.log_lines).format(
                n=r.randrange(1, 5000),
                id=r.randrange(10_000, 99_999),
                ms=r.randrange(3, 30_000),
                host=f"10.{r.randrange(256)}.{r.randrange(256)}.{r.randrange(256)}",
            )
            for n in range(64)
        )
        _LOG_CACHE[topic.name] = cached
    return cached


_LOG_CACHE: dict[str, tuple[str, ...]] = {}


def _log_block(topic: Topic, r: random.Random, lines: int, start_ts: int, date: str | None = None) -> str:
    messages = _log_messages(topic)
    date = date or iso_z(start_ts)[:11]
    t = start_ts % 86400
    out = []
    for _ in range(lines):
        t += 1 + int(r.random() * 39)
        hh, rem = divmod(t % 86400, 3600)
        out.append(f"{date}{hh:02d}:{rem // 60:02d}:{rem % 60:02d}Z {messages[int(r.random() * 64)]}")
    return "\n".join(out)


def attachment_names(topic: Topic, quality: str, r: random.Random) -> list[tuple[str, str]]:
    """(file name, content type) of the attachments of a ticket's first comment."""
    if quality == "exemplary":
        files = [pick(r, topic.log_files), ("screenshot.png", "image/png")]
        if r.random() < 0.4:
            files.append((f"gitlabsos_{rand(r, 10**7, 10**8)}.tar.gz", "application/gzip"))
        return files
    if quality == "good":
        return [pick(r, topic.log_files)] if r.random() < 0.6 else [("error.png", "image/png")]
    if quality == "fair":
        return (
            [(f"Screenshot 2026-01-{rand(r, 1, 29):02d} at 10.{rand(r, 60):02d}.png", "image/png")]
            if r.random() < 0.4
            else []
        )
    if r.random() < 0.45:
        return [
            pick(
                r,
                (
                    (
                        "Issue description.docx",
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    ),
                    ("problem.doc", "application/msword"),
                    ("error report.pdf", "application/pdf"),
                ),
            )
        ]
    return []


def compose(r: random.Random, quality: str, ctx: dict) -> tuple[str, str, Topic, list[str]]:
    """Return (subject, description, topic, traits) for one ticket.

    ``ctx`` holds first, last, title, company, domain, seats. ``traits`` names the poor
    practices present (one_line, call_request, secret, doc_attachment) for tests and demos.
    """
    topic = pick(r, TOPICS)
    subject = pick(r, topic.subjects).format(v=version(r), n=rand(r, 2, 40))
    ctx = dict(ctx, subject=subject)
    traits: list[str] = []
    opener = pick(r, OPENERS)
    signoff = _fill(pick(r, SIGNOFFS), r, ctx)
    if quality == "poor":
        kind = rand(r, 4)
        parts = [_fill(pick(r, ONE_LINERS), r, ctx)]
        traits.append("one_line")
        if kind in (0, 3):
            parts.append(_fill(pick(r, CALL_ASKS), r, ctx))
            traits.append("call_request")
        if kind in (1, 3) or r.random() < 0.25:
            parts.append(_fill(pick(r, SECRET_INTROS), r, dict(ctx, secret=secret(r))))
            traits.append("secret")
        if kind == 2:
            parts.append(pick(r, POOR_ATTACH_NOTE))
        return subject, " ".join(parts) + ("\n\n" + signoff if r.random() < 0.5 else ""), topic, traits

    hs = rand(r, 5)
    when = _fill(pick(r, WHEN), r, ctx)
    summary = f"{when}, {_fill(pick(r, topic.symptoms), r, ctx)}; {_fill(pick(r, HOW_OFTEN), r, ctx)}."
    if quality != "fair" or r.random() < 0.5:
        summary += f" Impact: {_fill(pick(r, IMPACT), r, ctx)}."
    blocks = [opener] if opener else []
    if quality == "fair":
        blocks.append(summary + " " + _fill(pick(r, topic.current), r, ctx))
        if r.random() < 0.3:
            blocks.append(f"We are on {version(r)}.")
    else:
        blocks.append(f"{_heading(pick(r, H_SUMMARY), hs)}\n{summary}")
        if quality == "exemplary" or r.random() < 0.6:
            blocks.append(f"{_heading(pick(r, H_ENV), hs)}\nVersion {version(r)}, {pick(r, INSTALLS)}.")
        steps = pick(r, topic.steps)
        numbered = "\n".join(f"{i}. {_fill(s, r, ctx)}" for i, s in enumerate(steps, 1))
        blocks.append(f"{_heading(pick(r, H_STEPS), hs)}\n{numbered}")
        blocks.append(f"{_heading(pick(r, H_CURRENT), hs)}\n{_fill(pick(r, topic.current), r, ctx)}")
        blocks.append(f"{_heading(pick(r, H_EXPECTED), hs)}\n{_fill(pick(r, topic.expected), r, ctx)}")
        if quality == "exemplary" or r.random() < 0.3:
            blocks.append(f"{_heading(pick(r, H_CHANGES), hs)}\n{_fill(pick(r, topic.changes), r, ctx)}")
        if quality == "exemplary":
            start = int(ctx.get("created", 1_767_225_600)) - rand(r, 600, 7200)
            log = _log_block(topic, r, rand(r, 6, 45), start, ctx.get("logdate"))
            blocks.append(
                f"{_heading(pick(r, H_LOGS), hs)}\n```\n{log}\n```\nFull logs and a screenshot are attached."
            )
    if quality in ("good", "fair") and r.random() < 0.06:
        blocks.append(_fill(pick(r, SECRET_INTROS), r, dict(ctx, secret=secret(r))))
        traits.append("secret")
    if quality == "fair" and r.random() < 0.15:
        blocks.append(_fill(pick(r, CALL_ASKS), r, ctx))
        traits.append("call_request")
    blocks.append(signoff)
    return subject, "\n\n".join(blocks), topic, traits


AGENT_ASKS = (
    "Could you please send us {item}? That will help us narrow it down.",
    "To investigate further we need {item}. Could you attach it to this ticket?",
    "Thanks for the details. Can you also provide {item}?",
    "Would you be able to share {item}? Please remove any secrets first.",
)
AGENT_OTHER = (
    "Thanks for reaching out. I'm looking into this now and will update you shortly.",
    "We have reproduced the problem and escalated it to our engineering team.",
    "This looks like a known issue fixed in {v}. Could you upgrade and let us know?",
    "I've applied a configuration change on our side. Could you confirm it works now?",
    "Setting this ticket to solved as the workaround resolved it. Reply to reopen it.",
)
CUSTOMER_REPLIES = (
    "Attached the logs you asked for.",
    "Thanks, that fixed it!",
    "Still happening after the change, see the new screenshot.",
    "Any update? This is still blocking us.",
    "We upgraded and the problem is gone. Thanks!",
    "Here is the output you requested.",
)


def agent_comment(topic: Topic, r: random.Random, asks: bool) -> str:
    if asks:
        return pick(r, AGENT_ASKS).format(item=pick(r, topic.asks))
    return pick(r, AGENT_OTHER).format(v=version(r))


def customer_reply(r: random.Random) -> str:
    return pick(r, CUSTOMER_REPLIES)


GOOD_COMMENTS = (
    "Quick and helpful answer, thank you!",
    "Great support, problem solved in an hour.",
    "The engineer explained everything clearly.",
    "Very professional, thanks!",
    "",
    "Fast response even on a weekend.",
)
BAD_COMMENTS = (
    "Took four days to get a first answer.",
    "The engineer didn't read my ticket.",
    "Still not fixed, and the ticket was closed without asking me.",
    "I had to repeat the same information three times.",
    "Nobody called me back although it was urgent.",
    "",
)
BAD_REASONS = (
    (5, "The issue took too long to resolve"),
    (6, "The issue was not resolved"),
    (7, "The agent's knowledge is unsatisfactory"),
    (8, "The agent's attitude is unsatisfactory"),
    (100, "Some other reason"),
)
