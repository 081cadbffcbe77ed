"""Hostile input: what a customer (or anyone who can type into Zendesk or Salesforce) might write.

Each script payload tries to set `window.__pwned` or open a dialog; each markup payload tries to
create an element carrying the attribute `data-pwned`, so a browser test can tell whether
anything was interpreted: the flag stays unset, no dialog opens, no `[data-pwned]` element
exists, and the text is shown literally.
"""

from __future__ import annotations

MARK = "PWN"  # every payload starts with it, so a page's text can be searched for each

SCRIPT_PAYLOADS = [
    "<script>window.__pwned='script';alert(1)</script>",
    "<img src=x onerror=\"window.__pwned='img';alert(2)\" data-pwned=1>",
    '"><svg onload="window.__pwned=\'svg\';alert(3)" data-pwned=1>',
    "'><script>window.__pwned='attr'</script>",
    "</textarea></title></style><script>window.__pwned='breakout'</script>",
    "<iframe srcdoc=\"<script>parent.__pwned='iframe'</script>\" data-pwned=1></iframe>",
    "<a href=\"javascript:window.__pwned='href'\" data-pwned=1>click me</a>",
    "javascript:window.__pwned='url';alert(4)",
    "<details open ontoggle=\"window.__pwned='toggle'\" data-pwned=1>",
    "<body onload=\"window.__pwned='body'\">",
    "<math><mtext><table><mglyph><style><img src=x onerror=\"window.__pwned='mxss'\" data-pwned=1>",
    '<div hx-get="/feedback/" hx-trigger="load" data-pwned=1>htmx attribute</div>',
    '<form action="/sync/run/" method="post" data-pwned=1><button>go</button></form>',
]

MARKUP_PAYLOADS = [
    "<b data-pwned=1>bold?</b> <i>italic?</i>",
    "<style>body{display:none}</style>",
    "<!-- comment --><h1 data-pwned=1>heading?</h1>",
    "[click](javascript:window.__pwned='md') ![x](javascript:alert(5))",
    '[a link](https://evil.example/phish "title")',
]

TEMPLATE_PAYLOADS = [
    "{{ 7*7 }} {{ request.user.password }} {{ settings.SECRET_KEY }}",
    "{% debug %}{% load log %}{% now 'Y' %}",
    "${7*7} #{7*7} <%= 7*7 %> {{constructor.constructor('window.__pwned=1')()}}",
]

TRICK_PAYLOADS = [
    "RTL \u202egnp.exe\u202c and zero\u200bwidth\u200b and \ufeffBOM",
    "combining a\u0301\u0301\u0301 and emoji \U0001f600 and \u0000nul and \x07bell",
    "line one\r\nline two\n\n\tTabbed",
    '=HYPERLINK("https://evil.example","csv")',
]

LONG = "A" * 5000 + "<script>window.__pwned='long'</script>"

CORPUS: list[str] = SCRIPT_PAYLOADS + MARKUP_PAYLOADS + TEMPLATE_PAYLOADS + TRICK_PAYLOADS + [LONG]


def tagged(index: int, payload: str) -> str:
    """A payload with a findable prefix (e.g. `PWN3 <script>...`)."""
    return f"{MARK}{index} {payload}"


def without_nul(text: str) -> str:
    """Zendesk and Salesforce never hand over NUL characters (JSON can, PostgreSQL text can't)."""
    return text.replace("\x00", "")
