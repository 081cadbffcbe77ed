"""Small text helpers for the checks: headings, list items, quotes around a match."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

QUOTE_WIDTH = 160

# A heading starts a line, or follows the end of a sentence on the same line ("... . Expected: x").
# Every run is matched possessively: a heading phrase followed by thousands of spaces (or a
# line of spaces) is read once, not once per way of splitting it between the quantifiers.
_HEADING_PREFIX = r"(?im)(?:^|(?<=[.!?])(?=[ \t]))[ \t>#*_\-]*+(?:\d++[.)][ \t]*+)?[*_]*+[ \t]*+"
_HEADING_SUFFIX = r"[ \t]*+[*_]*+[ \t]*+(?::|\?|$|(?<=[ \t])-[ \t])"


def heading(phrases: str) -> re.Pattern[str]:
    """A line that is a heading (or an inline label "Heading: text") made of one of the phrases."""
    return re.compile(f"{_HEADING_PREFIX}(?:{phrases}){_HEADING_SUFFIX}")


def words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z\u00c0-\u024f][\w'\u2019-]*", text)


LIST_ITEM = re.compile(r"(?m)^[ \t]*+(?:\d{1,2}[.)]|[-*\u2022+]|step[ \t]*+\d+[:.)]?)[ \t]++(\S.*)$", re.I)


def list_items(text: str) -> list[tuple[int, str]]:
    """(offset, text) of each bulleted or numbered line."""
    return [(m.start(1), m.group(1)) for m in LIST_ITEM.finditer(text)]


def first_match(patterns: tuple[re.Pattern[str], ...], text: str, pos: int = 0) -> re.Match[str] | None:
    """The earliest match of any of the patterns from `pos` (the first pattern wins a tie).

    The patterns are searched as one alternation, in one pass over the text."""
    return _combined(patterns).search(text, pos)


def first_match_near(
    patterns: tuple[re.Pattern[str], ...], trigger: re.Pattern[str], text: str, reach: int = 120
) -> re.Match[str] | None:
    """Like `first_match`, but only looks around the words `trigger` finds: much faster on long
    texts when the phrases sought always contain one of a few words."""
    combined = _combined(patterns)
    searched_to = 0
    for hit in trigger.finditer(text):
        start = max(searched_to, hit.start() - reach)
        end = min(len(text), hit.end() + reach)
        if start < end:
            match = combined.search(text, start, end)
            if match:
                return match
        searched_to = max(searched_to, end - reach)  # phrases are shorter than `reach`
    return None


@lru_cache(maxsize=64)
def _combined(patterns: tuple[re.Pattern[str], ...]) -> re.Pattern[str]:
    parts = [f"(?{'i' if p.flags & re.IGNORECASE else '-i'}:{p.pattern})" for p in patterns]
    return re.compile("|".join(parts))


def quote(text: str, start: int, end: int, width: int = QUOTE_WIDTH) -> str:
    """The sentence (or line) around text[start:end], trimmed to about `width` characters."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    # Narrow to the sentence inside a long line.
    sentence_start = line_start
    for m in re.finditer(r"[.!?](?:\s++|$)", text[line_start:start]):
        sentence_start = line_start + m.end()
    sentence_end = line_end
    stop = re.search(r"[.!?](?=\s|$)", text[end:line_end])
    if stop:
        sentence_end = end + stop.end()
    # A heading on its own line: quote the heading and the start of what follows.
    if sentence_end - sentence_start < 30 and line_end < len(text):
        following = text[line_end + 1 :].lstrip("\n")
        nxt = following.split("\n", 1)[0]
        if nxt.strip():
            snippet = f"{text[sentence_start:sentence_end].strip()} \u2026 {nxt.strip()}"
            return _trim(snippet, 0, len(snippet), width)
    snippet = text[sentence_start:sentence_end]
    return _trim(snippet, start - sentence_start, end - sentence_start, width)


def _trim(snippet: str, start: int, end: int, width: int) -> str:
    snippet_stripped = snippet.strip()
    offset = snippet.find(snippet_stripped[:1]) if snippet_stripped else 0
    start, end = max(0, start - offset), max(0, end - offset)
    snippet = " ".join(snippet_stripped.split()) if len(snippet_stripped) <= width else snippet_stripped
    if len(snippet) <= width:
        return snippet
    half = max(0, (width - (end - start)) // 2)
    lo = max(0, start - half)
    hi = min(len(snippet), lo + width)
    lo = max(0, hi - width)
    out = " ".join(snippet[lo:hi].split())
    return ("\u2026" if lo > 0 else "") + out + ("\u2026" if hi < len(snippet) else "")


def compile_all(patterns: Iterable[str], flags: int = re.I) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, flags) for p in patterns)
