"""A best-practice finding on the ticket page, rendered in Python: the ticket page lists every
check (about a dozen), and a template include per finding cost more than the rest of the
page. The same HTML the former `_finding.html` wrote; every value escaped (quotes from the
ticket, the rotation prompt and the review's messages are customer-derived text)."""

from __future__ import annotations

from typing import Any

from csmportal.fast_html import escape
from csmportal.handbook_tags import handbook_link

from .review import CHECKS

OUTCOME_BADGES = {
    "pass": ("ok", "Done"),
    "clear": ("ok", "None"),
    "partial": ("warn", "Partly"),
    "flagged": ("bad", "Found"),
}
MISSING_BADGE = ("bad", "Missing")
PASSED = ("pass", "clear")
REGION_LINK_TEXT = "guidelines on the effect of a preferred region on support hours"


def _get(item: Any, key: str) -> Any:
    """`{{ item.key }}` of a finding's JSON: "" when it is missing."""
    return item.get(key, "") if isinstance(item, dict) else ""


def _evidence(items: Any) -> str:
    lines = []
    for item in items:
        label = _get(item, "label")
        head = f'<span class="muted small">{escape(label)}:</span> ' if label else ""
        attachment = _get(item, "attachment")
        if attachment:
            body = f'\U0001f4ce <span class="mono">{escape(attachment)}</span>'
        else:
            body = f"<q>{escape(_get(item, 'quote'))}</q>"
        lines.append(f"<li>{head}{body}</li>")
    return f'<ul class="evidence">{"".join(lines)}</ul>'


def finding_html(finding: dict) -> str:
    code, outcome, points = _get(finding, "code"), _get(finding, "outcome"), _get(finding, "points")
    info = CHECKS.get(code)
    badge, said = OUTCOME_BADGES.get(outcome, MISSING_BADGE)
    name = getattr(info, "gap" if outcome in ("missing", "flagged") else "title", "")
    if info is not None and info.negative:
        score = f"\u2212{escape(points)}" if points else ""
    else:
        score = f"{escape(points)}/{escape(getattr(info, 'points', ''))}"
    parts = [
        f'<li class="finding {escape(outcome)}"><div class="finding-head">'
        f'<span class="badge {badge}">{said}</span> <strong>{escape(name)}</strong> '
        f'<span class="muted small">{score}</span></div>',
        f"<p>{escape(_get(finding, 'message'))}</p>",
    ]
    if _get(finding, "evidence"):
        parts.append(_evidence(finding["evidence"]))
    if note := _get(finding, "note"):
        parts.append(f'<p class="small note">{escape(note)}</p>')
    if prompt := _get(finding, "prompt"):
        target = escape(f"prompt-{code}")
        parts.append(
            f'<div class="prompt"><label for="{target}">Ask the customer to rotate it (copy and send)</label>'
            f'<textarea id="{target}" rows="7" readonly>{escape(prompt)}</textarea>'
            f'<button class="btn secondary small" type="button" data-copy="#{target}">Copy</button></div>'
        )
    if code == "region":
        link = handbook_link(
            "preferred_region", "guidelines on the effect of a preferred region on support hours"
        )
        parts.append(f'<p class="small handbook-ref">See the handbook\'s {link}.</p>')
    elif code == "sensitive":
        parts.append(f'<p class="small handbook-ref">See {handbook_link("sensitive_information")}.</p>')
    if outcome not in PASSED:
        handbook = escape(getattr(info, "handbook", ""))
        parts.append(
            f'<p class="small handbook"><span class="muted">Handbook:</span> \u201c{handbook}\u201d</p>'
        )
    parts.append("</li>")
    return "".join(parts)
