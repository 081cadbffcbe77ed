"""Find secrets in customer-written text, and mask them so the portal never shows one in full.

`find_secrets(text)` returns what was found (kind and position); `mask(text)` returns the text
with every secret replaced by its harmless prefix and eight bullets ("glpat-" + bullets).
The detectors are deliberately specific (known token formats, or a value assigned to a
password-like key that looks like a real secret), so ordinary prose is left alone.

Customer text is hostile, so every detector runs in linear time on any input (see
docs/hardening.md): no quantifier can rescan text that another attempt already scanned.
Runs are matched possessively (`++`, `{n,}+`); a pattern that could start anywhere inside a
run (a URL scheme, a JSON web token glued to a word by "-") starts only at the run's first
character; what would need a lazy scan to a far-away end (a private key's END line) is found
once for the whole text; a user name before "/ password" is at most 100 characters.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

BULLETS = "\u2022" * 8
_PLACEHOLDERS = frozenset(
    [
        "redacted",
        "removed",
        "hidden",
        "masked",
        "secret",
        "password",
        "passwd",
        "token",
        "none",
        "null",
        "nil",
        "empty",
        "n/a",
        "na",
        "required",
        "incorrect",
        "invalid",
        "wrong",
        "expired",
        "unknown",
        "blank",
        "changed",
        "reset",
        "same",
        "example",
        "sample",
        "yourpassword",
        "your_password",
        "yourtoken",
        "your_token",
        "mypassword",
        "my_password",
        "placeholder",
        "value",
        "string",
        "undefined",
        "true",
        "false",
        "xxx",
        "xxxx",
        "xxxxx",
        "xxxxxx",
        "xxxxxxxx",
    ]
)


@dataclass(frozen=True)
class SecretHit:
    kind: str
    start: int  # the secret's span in the text (what gets masked)
    end: int
    keep: int  # leading characters of the span that stay visible (a token's public prefix)

    def masked(self, text: str) -> str:
        return text[self.start : self.start + self.keep] + BULLETS


@dataclass(frozen=True)
class _Detector:
    kind: str
    pattern: re.Pattern[str] | None = None
    group: int | str = 0  # the part of the match that is secret
    keep_group: str | None = None  # a named group, inside the secret, that may stay visible
    valid: Callable[[str], bool] | None = None
    # Lower-case words of which one must be in the text for the pattern to have a chance:
    # a cheap substring test that skips most regex searches on ordinary text.
    hints: tuple[str, ...] = ()
    # Instead of `pattern`: yields (start, end, keep) of each secret itself.
    finder: Callable[[str], Iterator[tuple[int, int, int]]] | None = None


def _looks_like_password(value: str) -> bool:
    """A value after "password:" etc. that is a real secret, not a word or a placeholder."""
    value = value.rstrip(".,;:)]}>")
    low = value.lower()
    if len(value) < 4 or low in _PLACEHOLDERS or len(set(low)) == 1:
        return False
    if value[0] in "<[{$%*" or low.startswith(("http://", "https://", "env[", "your")):
        return False  # a placeholder, a variable reference or a masked value
    if any(ch.isdigit() for ch in value) or any(not ch.isalnum() and ch not in "'-" for ch in value):
        return True
    if any(ch.isupper() for ch in value[1:]) and any(ch.islower() for ch in value):
        return True  # camel or mixed case inside the word
    return len(value) >= 20  # a long lowercase passphrase


_GITLAB_PREFIXES = "glpat|gldt|glrt|glptt|glft|glimt|glagent|gloas|glsoat|glcbt|glffct|glwt|glso"
_PASSWORD_KEYS = (
    r"password|passwd|passphrase|pwd|secret(?:[_-]?key)?|client[_-]?secret|api[_-]?key|"
    r"access[_-]?token|auth[_-]?token|private[_-]?token|token"
)

_KEY_BEGIN = re.compile(r"-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----")
_KEY_END = re.compile(r"-----END [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----")
# A key pasted without its END line: the base64 lines (and "Proc-Type: ..." headers) after BEGIN.
_KEY_BODY = re.compile(r"(?:\s*+(?:[A-Za-z0-9+/=]{16,}+|[A-Za-z-]++: [^\n]*+))*+")


def _private_keys(text: str) -> Iterator[tuple[int, int, int]]:
    """Each private key: from BEGIN to the first END after it, or to the end of its base64 body.

    The END lines are found once for the whole text (not by a lazy scan from every BEGIN, which
    is quadratic when many BEGIN lines have no END), and a BEGIN inside a key already found is
    skipped, so every character is read a bounded number of times."""
    ends = [(m.start(), m.end()) for m in _KEY_END.finditer(text)]
    end_starts = [start for start, _ in ends]
    covered = 0
    for begin in _KEY_BEGIN.finditer(text):
        if begin.start() < covered:
            continue
        i = bisect_left(end_starts, begin.end())
        if i < len(ends):
            stop = ends[i][1]
        else:
            body = _KEY_BODY.match(text, begin.end())
            stop = body.end() if body else begin.end()
        covered = stop
        yield begin.start(), stop, begin.end() - begin.start()


DETECTORS: tuple[_Detector, ...] = (
    _Detector("private key", finder=_private_keys, hints=("private key",)),
    _Detector(
        "GitLab token",
        re.compile(rf"\b(?P<keep>(?:{_GITLAB_PREFIXES})-)[A-Za-z0-9_.\-]{{20,}}+"),
        keep_group="keep",
        hints=("gl",),
    ),
    _Detector(
        "GitLab runner registration token",
        re.compile(r"\b(?P<keep>GR1348941)[A-Za-z0-9_\-]{20,}+"),
        keep_group="keep",
        hints=("gr1348941",),
    ),
    _Detector(
        "GitHub token",
        re.compile(r"\b(?P<keep>gh[pousr]_)[A-Za-z0-9]{30,}+|\b(?P<keep2>github_pat_)[A-Za-z0-9_]{22,}+"),
        keep_group="keep",
        hints=("gh",),
    ),
    _Detector(
        "AWS access key",
        re.compile(r"\b(?P<keep>AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA)[A-Z0-9]{16}\b"),
        keep_group="keep",
        hints=("akia", "asia", "abia", "acca", "agpa", "aida", "aroa", "aipa", "anpa", "anva", "apka"),
    ),
    _Detector(
        "AWS secret access key",
        re.compile(
            r"(?i)aws_?secret_?(?:access_?)?key[\"'\]]*+\s*+(?:[:=]|=>)\s*+[\"']?+([A-Za-z0-9/+=]{40})\b"
        ),
        group=1,
        hints=("aws",),
    ),
    _Detector(
        "Slack token",
        re.compile(r"\b(?P<keep>xox[abposr]-)[A-Za-z0-9-]{10,}+"),
        keep_group="keep",
        hints=("xox",),
    ),
    _Detector(
        "Google API key",
        re.compile(r"\b(?P<keep>AIza)[0-9A-Za-z_\-]{35}"),
        keep_group="keep",
        hints=("aiza",),
    ),
    _Detector(
        "Stripe secret key",
        re.compile(r"\b(?P<keep>(?:sk|rk)_live_)[0-9a-zA-Z]{20,}+"),
        keep_group="keep",
        hints=("_live_",),
    ),
    _Detector(
        "JSON web token",
        # Tried once per run of token characters, at its first "eyJ" that starts a word: a later
        # "eyJ" of the same run has the same (shorter) first part and fails the same way.
        re.compile(
            r"(?<![A-Za-z0-9_-])(?>[A-Za-z0-9_-]*?\b(?=eyJ))"
            r"(?P<secret>(?P<keep>eyJ)[A-Za-z0-9_-]{8,}+\.[A-Za-z0-9_-]{8,}+\.[A-Za-z0-9_-]{8,}+)"
        ),
        group="secret",
        keep_group="keep",
        hints=("eyj",),
    ),
    _Detector(
        "access token in a header",
        re.compile(
            r"(?i)(?:\bauthorization\s*+:\s*+(?:bearer|basic|token)\s++|\b(?:private|job|deploy)-token\s*+:\s*+"
            r"|\bbearer\s++)([A-Za-z0-9._~+/=\-]{12,}+)"
        ),
        group=1,
        hints=("authorization", "token", "bearer"),
    ),
    _Detector(
        "password in a URL",
        # The scheme starts a run of scheme characters (never inside one: "a.a.a.a..." would
        # be tried from every letter).
        re.compile(r"(?<![a-zA-Z0-9+.\-])[a-zA-Z][a-zA-Z0-9+.\-]*+://[^/\s:@]++:([^@\s/]{3,}+)@"),
        group=1,
        valid=lambda v: v.lower() not in _PLACEHOLDERS and v[0] not in "<[{$*",
        hints=("://",),
    ),
    _Detector(
        "password",
        re.compile(
            rf"(?i)(?:(?<=[_\-])|\b)(?:{_PASSWORD_KEYS})\b[\"'\]]*+\s*+(?:[:=]|=>|\bis\b:?+)\s*+[\"']?+"
            r"([^\s\"',;]++)"
        ),
        group=1,
        valid=_looks_like_password,
        hints=("pass", "pwd", "secret", "key", "token"),
    ),
    _Detector(
        "password",
        # "user: name / password": the name is at most 100 characters, so "user:user:user:..."
        # is not rescanned to its end from every "user".
        re.compile(
            r"(?i)\b(?:login|credentials?|user(?:name)?|account)\b[^\n:]{0,40}?(?::|\bis\b|\bare\b)\s*+"
            r"[^\s/]{1,100}+\s*+/\s*+([^\s,;]++)"
        ),
        group=1,
        valid=_looks_like_password,
        hints=("login", "credential", "user", "account"),
    ),
)

# Attachments whose name says they hold keys or credentials.
SECRET_FILE = re.compile(
    r"(?i)(?:^|[/\\])(?:id_(?:rsa|dsa|ecdsa|ed25519)(?:\.txt)?|\.env(?:\.[\w.-]+)?|gitlab-secrets\.json"
    r"|\.?netrc|\.npmrc|\.pgpass|credentials(?:\.json|\.csv|\.txt)?)$"
    r"|\.(?:pem|key|p12|pfx|jks|keystore|kdbx|ppk)$"
)


def find_secrets(text: str) -> list[SecretHit]:
    """Every secret in `text`, in order, without overlaps (the earliest, longest one wins)."""
    return list(_find_cached(text)) if text else []


# A page masks up to 500 subjects (the cadence page's tickets) besides its comments: a smaller
# cache would forget each of them before the page is opened again.
@lru_cache(maxsize=2048)
def _find_cached(text: str) -> tuple[SecretHit, ...]:
    hits: list[SecretHit] = []
    lowered = text.lower()
    for detector in DETECTORS:
        if detector.hints and not any(hint in lowered for hint in detector.hints):
            continue
        hits.extend(_hits(detector, text))
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    accepted: list[SecretHit] = []
    for hit in hits:
        if accepted and hit.start < accepted[-1].end:
            if hit.end > accepted[-1].end:
                # Overlaps the one before but reaches further: mask the rest of it too.
                accepted.append(SecretHit(hit.kind, accepted[-1].end, hit.end, 0))
            continue
        accepted.append(hit)
    return tuple(accepted)


def _hits(detector: _Detector, text: str) -> Iterator[SecretHit]:
    if detector.finder is not None:
        for start, end, keep in detector.finder(text):
            yield SecretHit(detector.kind, start, end, keep)
        return
    assert detector.pattern is not None
    for match in detector.pattern.finditer(text):
        start, end = match.span(detector.group)
        if start < 0 or end <= start:
            continue
        if detector.valid is not None and not detector.valid(match.group(detector.group)):
            continue
        keep = 0
        if detector.keep_group:
            groups = match.groupdict()
            kept = groups.get(detector.keep_group) or groups.get(f"{detector.keep_group}2")
            keep = len(kept or "")
        yield SecretHit(detector.kind, start, end, keep)


def mask(text: str) -> str:
    """`text` with every secret masked; safe to show anywhere in the portal."""
    if not text:
        return text
    hits = _find_cached(text)
    if not hits:
        return text
    out: list[str] = []
    pos = 0
    for hit in hits:
        out.append(text[pos : hit.start])
        out.append(hit.masked(text))
        pos = hit.end
    out.append(text[pos:])
    return "".join(out)


def is_secret_file(name: str) -> bool:
    return bool(SECRET_FILE.search(name or ""))
