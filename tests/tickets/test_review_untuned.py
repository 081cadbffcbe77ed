"""The checks on tickets no rule was tuned on (tests/tickets/corpus.py): per check, the review
must agree with the gaps a human reviewer recorded."""

import pytest

from tickets.review import CHECKS, TicketText, review

from .corpus import FRESH, HOLDOUT, UNTUNED

KNOWN_MISSES = {
    # The detail check counts words: a concise, complete how-to question of 30 words gets only
    # part credit, where a reviewer would not ask for more.
    "feature question, not a bug": "word-count proxy for detail",
    # FRESH (never tuned on): what its first run missed, left as measured.
    "LDAP sync drops group members": '"What we\'d expect:" heading not recognised',
    "webhook secret token in a curl": 'impact "CI ... effectively stopped" not recognised',
    "customer never answered, ticket solved": 'frequency "for every project we tried" not recognised',
    "gitaly latency, solid report with log lines": '"consistent across all users", '
    '"take 9 minutes instead of 40 seconds" and "we increased the disk" not recognised',
    "SSH private key pasted for debugging": 'expected "It should print ..." not recognised',
    "feature request with business case": 'current state "Today we can only ..." not recognised',
}
# Share of decisions (ticket x check) where the review may differ from the human reviewer.
# FRESH measured 8 of 96 on its first and only run.
TOLERANCE = {"untuned": 0.01, "holdout": 0.0, "fresh": 0.09}


def _cases(corpus: list[dict]) -> list:
    return [
        pytest.param(
            case,
            id=case["name"],
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN_MISSES[case["name"]])]
            if case["name"] in KNOWN_MISSES
            else [],
        )
        for case in corpus
    ]


def _ticket(case: dict) -> TicketText:
    return TicketText(
        subject=case.get("subject", case["name"]),
        description=case["description"],
        preferred_region=case.get("region", ""),
        priority=case.get("priority", "normal"),
        first_attachments=tuple(case.get("attachments", ())),
        messages=tuple(case.get("comments", ())),
    )


@pytest.mark.parametrize("case", _cases(UNTUNED) + _cases(HOLDOUT) + _cases(FRESH))
def test_it_records_the_gaps_a_reviewer_would(case):
    result = review(_ticket(case))
    assert set(result.gaps) == case["gaps"], {
        code: next(r.message for r in result.results if r.code == code)
        for code in set(result.gaps) ^ case["gaps"]
    }


@pytest.mark.parametrize("name,corpus", [("untuned", UNTUNED), ("holdout", HOLDOUT), ("fresh", FRESH)])
def test_it_agrees_with_the_reviewer_on_nearly_every_check(name, corpus):
    decisions = disagreements = 0
    for case in corpus:
        gaps = set(review(_ticket(case)).gaps)
        for code in CHECKS:
            decisions += 1
            disagreements += (code in gaps) != (code in case["gaps"])
    assert disagreements / decisions <= TOLERANCE[name], f"{disagreements} of {decisions} decisions differ"
