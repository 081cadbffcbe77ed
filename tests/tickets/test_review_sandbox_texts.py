"""An extra check: the rules over the sandbox generator's ticket texts (written by another
hand, in many phrasings, and never used to tune a rule). The generator labels the poor
practices it put in (secret, call_request, one_line), which the review must find - and not
find where they are absent."""

import random
import statistics

import pytest

from tickets.review import Attachment, Check, TicketText, find_secrets, review

text = pytest.importorskip("sandbox.text")
if not hasattr(text, "compose") or not hasattr(text, "attachment_names"):
    pytest.skip("the sandbox generator has no compose()/attachment_names()", allow_module_level=True)

PER_QUALITY = 150
CTX = {
    "first": "Dana",
    "last": "Ito",
    "title": "SRE",
    "company": "Acme",
    "domain": "acme.example",
    "seats": 250,
}


def _generated():
    for quality in text.QUALITIES:
        for seed in range(PER_QUALITY):
            r = random.Random(f"{quality}-{seed}")
            subject, description, topic, traits = text.compose(r, quality, dict(CTX))
            files = tuple(Attachment(name, ctype) for name, ctype in text.attachment_names(topic, quality, r))
            ticket = TicketText(
                subject=subject,
                description=description,
                preferred_region="all_regions",
                first_attachments=files,
            )
            yield quality, traits, ticket, review(ticket)


@pytest.fixture(scope="module")
def generated():
    return list(_generated())


@pytest.mark.parametrize("trait,check", [("secret", Check.SENSITIVE), ("call_request", Check.CALL_REQUEST)])
def test_it_finds_every_labelled_poor_practice_and_nothing_else(generated, trait, check):
    missed = [t.description for _, traits, t, r in generated if trait in traits and check not in r.gaps]
    extra = [t.description for _, traits, t, r in generated if trait not in traits and check in r.gaps]
    assert sum(trait in traits for _, traits, _, _ in generated) > 10
    assert missed == [], missed[:3]
    assert extra == [], extra[:3]


def test_one_liners_lack_detail(generated):
    for _, traits, ticket, result in generated:
        if "one_line" in traits:
            assert Check.DETAIL in result.gaps, ticket.description


def test_no_review_ever_repeats_a_generated_secret(generated):
    for _, traits, ticket, result in generated:
        if "secret" in traits:
            findings = repr(result.as_json())
            sensitive = next(r for r in result.results if r.code == Check.SENSITIVE)
            assert sensitive.evidence and all(
                "\u2022" in e.get("quote", "\u2022") for e in sensitive.evidence
            )
            for hit in find_secrets(ticket.description):
                assert ticket.description[hit.start : hit.end] not in findings


def test_better_written_tickets_score_higher(generated):
    means = {
        q: statistics.mean(r.score for quality, _, _, r in generated if quality == q) for q in text.QUALITIES
    }
    ordered = [means[q] for q in ("exemplary", "good", "fair", "poor")]
    assert ordered == sorted(ordered, reverse=True), means
    assert means["exemplary"] >= 85 and means["poor"] <= 25, means
