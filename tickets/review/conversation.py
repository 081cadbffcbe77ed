"""Checks on attachments, secrets, the preferred region, call requests and unanswered follow-ups."""

from __future__ import annotations

import re

from .base import REVIEW_LIMIT, Attachment, Result, TicketText, negative, positive
from .checks import SENSITIVE_INFO_URL, Check
from .secrets import find_secrets, is_secret_file, mask
from .text import compile_all, first_match, first_match_near, quote

LOG_EXTENSIONS = frozenset(
    [
        "log",
        "txt",
        "out",
        "err",
        "json",
        "har",
        "yml",
        "yaml",
        "xml",
        "trace",
        "csv",
        "tsv",
        "ndjson",
        "jsonl",
    ]
)
IMAGE_EXTENSIONS = frozenset(["png", "jpg", "jpeg", "gif", "webp", "bmp", "tif", "tiff", "heic", "svg"])
ARCHIVE_EXTENSIONS = frozenset(["zip", "gz", "tgz", "tar", "tar.gz", "tar.bz2", "tar.xz", "bz2", "xz", "7z"])
DOCUMENT_EXTENSIONS = frozenset(["doc", "docx", "pdf", "odt", "rtf", "pages"])

LOG_LINE = re.compile(
    r"(?m)^.*(?:\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}|\b\d{2}:\d{2}:\d{2}\b|"
    r"\b(?:ERROR|WARN(?:ING)?|INFO|DEBUG|FATAL|"
    r"TRACE|CRITICAL)\b|^[ \t]++at[ \t]++[\w.$<>]+\(|^[ \t]*+File \"[^\n]*\", line \d+|:\d+:in\s++[`']|"
    r"\"severity\"\s*+:|^[ \t]*+\$[ \t]++\S+).*$"
)
# A fenced block: fences start their lines, so a scan for the closing fence stops at the next
# fence (an opening fence anywhere, or blank lines before the closing one, rescanned the rest of
# the text from each "```").
CODE_BLOCK = re.compile(r"(?m)^[ \t]*+```[^\n]*+\n(?:[^\n]*+\n){2,}?[ \t]*+```")


def _attachment_kind(a: Attachment) -> str:
    ext, ctype = a.extension, (a.content_type or "").lower()
    if (
        ext in DOCUMENT_EXTENSIONS
        or ctype in ("application/pdf", "application/msword")
        or "wordprocessing" in ctype
    ):
        return "document"
    if ext in IMAGE_EXTENSIONS or ctype.startswith("image/"):
        return "screenshot"
    if ext in LOG_EXTENSIONS or ctype.startswith("text/"):
        return "log"
    if ext in ARCHIVE_EXTENSIONS:
        return "archive"
    return "other"


def check_logs(t: TicketText) -> Result:
    useful = [a for a in t.first_attachments if _attachment_kind(a) in ("log", "screenshot", "archive")]
    if useful:
        names = ", ".join(a.file_name for a in useful[:3])
        return positive(
            Check.LOGS, 16, f"Attached: {names}.", [{"attachment": a.file_name} for a in useful[:5]]
        )
    text = t.first
    log_lines = [m for m in LOG_LINE.finditer(text) if m.group(0).strip()]
    block = CODE_BLOCK.search(text)
    if len(log_lines) >= 2 or block:
        where = log_lines[0] if len(log_lines) >= 2 else block
        assert where is not None
        return positive(
            Check.LOGS,
            16,
            "Log output is pasted into the ticket.",
            [{"quote": quote(text, where.start(), where.end())}],
        )
    others = [a.file_name for a in t.first_attachments if _attachment_kind(a) == "other"]
    if others:
        return positive(
            Check.LOGS,
            8,
            "An attachment was added, but no log file or screenshot.",
            [{"attachment": name} for name in others[:3]],
        )
    return positive(Check.LOGS, 0, "No logs or screenshots in the first submission.")


def _customer_attachments(t: TicketText) -> list[Attachment]:
    later = [a for m in t.messages if not m.by_agent for a in m.attachments]
    return list(t.first_attachments) + later


def check_documents(t: TicketText) -> Result:
    docs = [a.file_name for a in _customer_attachments(t) if _attachment_kind(a) == "document"]
    if docs:
        return negative(
            Check.DOC_ATTACHMENT,
            True,
            f"{len(docs)} .doc/.pdf attachment{'s' if len(docs) != 1 else ''}: {', '.join(docs[:3])}.",
            [{"attachment": name} for name in docs[:5]],
        )
    return negative(Check.DOC_ATTACHMENT, False, "No .doc or .pdf attachments.")


def _customer_texts(t: TicketText) -> list[tuple[str, str]]:
    texts = [("subject", t.subject or ""), ("description", t.description or "")]
    texts += [(f"comment {n}", m.body) for n, m in enumerate(t.messages, 1) if not m.by_agent]
    return texts


MAX_EVIDENCE = 6


def check_sensitive(t: TicketText) -> Result:
    evidence: list[dict[str, str]] = []
    kinds: list[str] = []
    for where, raw in _customer_texts(t):
        for hit in find_secrets(raw):
            kinds.append(hit.kind)
            if len(evidence) >= MAX_EVIDENCE:
                continue  # quoting costs a pass over the line: only for what is shown
            line_start = raw.rfind("\n", 0, hit.start) + 1
            line_end = raw.find("\n", hit.end)
            line = raw[line_start : len(raw) if line_end < 0 else line_end]
            masked_line = mask(line)
            spot = masked_line.find("\u2022")
            evidence.append(
                {
                    "quote": quote(masked_line, max(0, spot), max(0, spot) + 8),
                    "label": f"{hit.kind} ({where})",
                }
            )
    for a in _customer_attachments(t):
        if is_secret_file(a.file_name):
            evidence.append(
                {"attachment": a.file_name, "label": "file that usually holds keys or credentials"}
            )
            kinds.append(f"file {a.file_name}")
    if not evidence:
        return negative(Check.SENSITIVE, False, "No passwords, keys or tokens found.")
    unique = list(dict.fromkeys(kinds))
    result = negative(
        Check.SENSITIVE,
        True,
        f"Sensitive information in the ticket: {', '.join(unique[:4])}. Ask the customer to rotate it.",
        evidence[:MAX_EVIDENCE],
    )
    result.prompt = (
        "Hello,\n\nIn this support ticket a credential was shared ("
        + ", ".join(unique[:4])
        + "). Anyone who can read the ticket could use it, so please revoke it and create a new one "
        "now, and remove secrets from logs and configuration before attaching them in future.\n"
        f"Guidance: {SENSITIVE_INFO_URL}\n"
    )
    return result


def check_region(t: TicketText) -> Result:
    from ..models import PreferredRegion
    from ..sla import REGION_HOURS  # the SLA module knows the regions' business hours

    region = t.preferred_region or ""
    if not region:
        return positive(
            Check.REGION, 0, "No preferred region chosen: the customer did not say when replies suit them."
        )
    if region in REGION_HOURS:
        hours = REGION_HOURS[region]
        label = PreferredRegion(region).label
        result = positive(
            Check.REGION,
            5,
            f"Preferred region chosen: {label}.",
            [{"quote": f"Preferred region for support: {label}"}],
        )
        result.note = f"The SLA only runs within that region's business hours ({hours.describe()})."
        if t.priority == "urgent":
            result.note += (
                " For an urgent problem that matters outside those hours, \u201cAll Regions\u201d gets a "
                "reply from the global team around the clock."
            )
        return result
    result = positive(
        Check.REGION,
        5,
        "Preferred region chosen: All Regions.",
        [{"quote": "Preferred region for support: All Regions"}],
    )
    result.note = "All Regions: the standard SLAs, around the clock, from the global support team."
    return result


CALL = compile_all(
    (
        r"\b(?:call|phone|ring)\s++(?:me|us)\b(?!\s++(?:a|an)\s++\w+)",
        r"\b(?:call\s++(?:me\s++|us\s++)?back|callback)\b",
        r"\bgive\s++(?:me|us)\s++a\s++(?:call|ring)\b",
        r"\b(?:jump|hop|get)\s++on\s++(?:a|the)\s++(?:quick\s++|short\s++)?(?:call|zoom|meeting|bridge|screen\s*+-?share|"
        r"teams|webex|hangout|google\s++meet)\b",
        r"\b(?:schedule|set\s++up|setup|arrange|book|organi[sz]e|request(?:ing)?|need|want|like|have|open|get|"
        r"prefer|start)\s++(?:a|an|to\s++have\s++a|to\s++get\s++a)\s++(?:quick\s++|short\s++|live\s++|urgent\s++|"
        r"remote\s++)?(?:call|zoom(?:\s++call)?|meeting|screen\s*+-?share|conference\s++call|bridge(?:\s++call)?|"
        r"webex|teams\s++(?:call|meeting)|session|phone\s++call|video\s++call|hangout|google\s++meet)\b"
        r"(?!\s++(?:to|of|from)\s++(?:the\s++)?(?:api|endpoint|function|method|service|server|/))",
        r"\b(?:screen\s*+-?share|screensharing|zoom\s++(?:call|meeting|link|session)|(?:on|via|over)\s++(?:zoom|"
        r"teams|webex|google\s++meet|the\s++phone))\b",
        r"\b(?:available|free)\s++(?:for|to)\s++(?:a\s++)?(?:call|talk|meeting)\b",
        r"\b(?:can|could)\s++(?:we|someone|somebody|an\s++engineer|you)\s++(?:talk|speak|meet|call)\b",
        r"\b(?:reach|contact)\s++me\s++(?:at|on)\s++\+?\d",
        r"\b(?:call|ring|phone)\s++(?:me\s++|us\s++)?(?:at\s++|on\s++)?\+?\(?\d[\d\s().-]{6,}",
    )
)


# Every CALL phrase contains one of these words.
CALL_WORDS = re.compile(
    r"(?i)\b(?:call\w*|phone|ring|zoom|meet\w*|screen\s*+-?shar\w*|screensharing|teams|webex|talk|speak|"
    r"session|bridge|hangout|reach|contact)\b"
)


def check_call_request(t: TicketText) -> Result:
    text = t.first_with_subject
    match = first_match_near(CALL, CALL_WORDS, text)
    if match:
        return negative(
            Check.CALL_REQUEST,
            True,
            "A call is requested in the first submission.",
            [{"quote": quote(text, match.start(), match.end())}],
        )
    return negative(Check.CALL_REQUEST, False, "No call requested in the first submission.")


REQUEST = compile_all(
    (
        r"\b(?:could|can|would)\s++you\s++(?:please\s++|kindly\s++|also\s++)?(?:send|provide|share|attach|upload|run|"
        r"check|confirm|collect|gather|grab|try|test|tell|give|paste|export|enable|capture|verify|clarify|"
        r"describe|explain|reproduce|generate|execute|post|include|add|reply|respond|answer|update|look|"
        r"let\s++(?:us|me)\s++know\s++(?:what|which|whether|how|when|the|if\s++(?!you\s++(?:have|need)))|"
        r"be\s++able\s++to)\b",
        r"\bplease\s++(?:send|provide|share|attach|upload|run|check|confirm|collect|gather|grab|try|test|tell|"
        r"paste|export|enable|capture|verify|clarify|describe|explain|reproduce|generate|execute|post|"
        r"include|reply|respond|answer|let\s++(?:us|me)\s++know\s++(?:what|which|whether|how|when|the))\b",
        r"\b(?:we|i)(?:\s++will|\s++would|['\u2019]ll|['\u2019]d)?\s++(?:need|require|like)\s++(?:you\s++to|to\s++(?:see|get|have|review|"
        r"check|know)|the\s++(?:output|logs?|full|exact|following)|a\s++copy|some\s++more|more|your|additional|"
        r"further)\b",
        r"\bwould\s++you\s++mind\b",
        r"\b(?:can|could|may)\s++(?:we|i)\s++(?:get|have|see|ask)\b",
    )
)


def check_follow_up(t: TicketText) -> Result:
    last_request = None
    for n, message in enumerate(t.messages):
        if message.by_agent and message.public:
            body = mask(message.body)[:REVIEW_LIMIT]
            match = first_match(REQUEST, body)
            if match:
                last_request = (n, body, match, message)
        elif not message.by_agent and message.public and last_request is not None:
            last_request = None  # the customer answered after the request
    if last_request is None:
        return negative(Check.FOLLOW_UP, False, "No unanswered requests from support.")
    _, body, match, message = last_request
    when = f" on {message.created_at:%Y-%m-%d}" if message.created_at else ""
    return negative(
        Check.FOLLOW_UP,
        True,
        f"Support asked for follow-up items{when} and the customer has not answered yet.",
        [{"quote": quote(body, match.start(), match.end()), "label": f"support{when}"}],
    )
