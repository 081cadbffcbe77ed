"""The detectors rewritten to run in linear time still find the secrets they were written for,
also inside (or after) the adversarial texts that used to take quadratic time.

Functional only: the time itself is measured by `python -m bench review_text`."""

import pytest

from tickets.review import Check, Outcome, TicketText, find_secrets, mask, review
from tickets.review.secrets import BULLETS

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
KEY_BODY = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW"
FILL = 4000  # enough repeats of a worst-case shape to matter, few enough for a quick test


@pytest.mark.parametrize(
    "text,secret,kind",
    [
        # "user: name / password", after thousands of "user:" (each once rescanned the rest)
        ("user:" * FILL + "\nLogin for your engineer: admin / Welcome2025!", "Welcome2025!", "password"),
        ("credentials are root / S3cure-Pass", "S3cure-Pass", "password"),
        # a URL password, the scheme also inside a dotted run, after "a.a.a.a..."
        ("a." * FILL + " DATABASE_URL=postgres://gitlab:s3cr3t-Pa55@db:5432/x", "s3cr3t-Pa55", None),
        ("jdbc:postgresql://app:Pr0d-Pa55word@db.internal/gitlab", "Pr0d-Pa55word", "password in a URL"),
        ("see foo.https://bot:Tok3n-Value@git.example.com/x", "Tok3n-Value", "password in a URL"),
        # a JSON web token, also glued to a word by "-", after "eyJ-eyJ-..."
        ("eyJ-" * FILL + f" header {JWT}", JWT[3:], "JSON web token"),
        (f"x-{JWT}", JWT[3:], "JSON web token"),
        (f"token=eyJ-{JWT[3:]}", JWT[3:], "JSON web token"),
        # a private key without END, after many BEGIN lines without one
        (
            "-----BEGIN PRIVATE KEY-----\n" * 50
            + f"-----BEGIN RSA PRIVATE KEY-----\n{KEY_BODY}\n{KEY_BODY}\n",
            KEY_BODY,
            "private key",
        ),
        # and with its END, a BEGIN of another key in between
        (
            f"-----BEGIN PRIVATE KEY-----\n{KEY_BODY}\n-----BEGIN EC PRIVATE KEY-----\n{KEY_BODY}x\n"
            "-----END PRIVATE KEY-----\nthanks",
            KEY_BODY,
            "private key",
        ),
        ("Proc: x " * FILL + "password: Summer2024!", "Summer2024!", "password"),
        ("Authorization:" + " " * FILL + "Bearer abcdef0123456789abcdef", "abcdef0123456789abcdef", None),
    ],
)
def test_each_former_worst_case_still_masks_the_secret_it_is_for(text, secret, kind):
    hits = find_secrets(text)
    assert hits, text[-200:]
    if kind:
        assert kind in [h.kind for h in hits]
    masked = mask(text)
    assert secret not in masked and BULLETS in masked


def test_a_private_key_without_end_is_masked_to_the_end_of_its_body():
    text = f"Our key:\n-----BEGIN OPENSSH PRIVATE KEY-----\n{KEY_BODY}\n{KEY_BODY}\n\nWhat now?"
    masked = mask(text)
    assert KEY_BODY not in masked
    assert masked.startswith("Our key:\n-----BEGIN OPENSSH PRIVATE KEY-----" + BULLETS)
    assert masked.endswith("What now?")


def test_a_secret_reaching_past_an_overlapping_one_is_masked_to_its_end():
    # The URL password starts inside the private key's header line; the key runs further.
    text = f"-----BEGIN PRIVATE KEY-----\n{KEY_BODY}\n{KEY_BODY}"
    assert KEY_BODY not in mask("password: Summer2024! " + text)


def test_a_user_name_is_at_most_100_characters():
    assert mask("user: " + "a" * 100 + " / Welcome2025!").count(BULLETS) == 1
    assert "Welcome2025!" in mask("user: " + "a" * 101 + " / Welcome2025!")


@pytest.mark.parametrize(
    "unit",
    ["\u201cerror ", "error \u201c", "```\n", "\n", " ", "Steps" + " " * 50, "all" + " " * 30, "1,", "user:"],
)
def test_the_review_of_a_worst_case_text_gives_an_ordinary_result(unit):
    result = review(TicketText(subject="x", description=unit * FILL))
    assert 0 <= result.score <= 100
    assert {r.code for r in result.results} == set(Check.values)


def test_a_quoted_error_is_still_found_without_quotes_inside_it():
    for text in ("It says \u201cpush rejected: error 22\u201d every time.", "It says 'access denied' now."):
        results = {r.code: r for r in review(TicketText(description=text)).results}
        assert results[Check.CURRENT].outcome == Outcome.PASS, text
