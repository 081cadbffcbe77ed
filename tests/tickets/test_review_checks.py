"""Each best-practice check on good and bad examples; each finding quotes what decided it."""

import datetime as dt

import pytest

from tickets.review import Attachment, Check, Message, Outcome, TicketText, review
from tickets.review.conversation import (
    check_call_request,
    check_documents,
    check_follow_up,
    check_logs,
    check_region,
)
from tickets.review.submission import (
    check_changes,
    check_current,
    check_detail,
    check_expected,
    check_steps,
    check_summary,
)


def t(description: str = "", **kwargs) -> TicketText:
    return TicketText(description=description, **kwargs)


def quotes(result) -> str:
    return " | ".join(e.get("quote", e.get("attachment", "")) for e in result.evidence)


# -- detail ---------------------------------------------------------------------------------


def test_it_passes_a_detailed_first_submission():
    text = " ".join(["Our nightly backup job stopped writing archives to the S3 bucket."] * 6)
    result = check_detail(t(text))
    assert result.outcome == Outcome.PASS and result.points == 10


@pytest.mark.parametrize(
    "text", ["broken again", "URGENT!!! nothing works", "", "Same problem as last time, see ticket."]
)
def test_it_flags_a_one_liner_and_quotes_it(text):
    result = check_detail(t(text))
    assert result.outcome == Outcome.MISSING
    if text:
        assert text.split()[0] in quotes(result)


def test_it_gives_part_credit_to_a_short_submission():
    text = (
        "Merge requests take about five minutes to load since this morning and reviewers are waiting, "
        "please look into the slowness."
    )
    assert check_detail(t(text)).outcome == Outcome.PARTIAL


# -- summary ----------------------------------------------------------------------------------

SUMMARY_FULL = [
    "Since this morning at 09:10 UTC, roughly 1 in 5 pushes is rejected, which blocks our 40 developers.",
    "It started three days ago and happens intermittently; the release planned for Friday is at risk.",
    "Starting last Tuesday every nightly pipeline fails. Impact: the data team cannot deploy.",
    "We first noticed this after upgrading on 2025-02-03. It occurs about 30% of the time and affects all of "
    "our runners.",
]


@pytest.mark.parametrize("text", SUMMARY_FULL)
def test_it_finds_start_frequency_and_impact(text):
    result = check_summary(t(text))
    assert result.outcome == Outcome.PASS, result.message
    assert {e["label"] for e in result.evidence} == {"start", "frequency", "impact"}


def test_it_names_what_the_summary_misses():
    result = check_summary(t("Since yesterday the container registry returns errors to some users."))
    assert result.outcome == Outcome.PARTIAL
    assert "how often" in result.message
    assert any(e["label"] == "start" and "Since yesterday" in e["quote"] for e in result.evidence)


@pytest.mark.parametrize("text", ["Pipeline broken. Please fix.", "Help with SAML", "see attached"])
def test_it_finds_no_summary_in_a_bare_request(text):
    assert check_summary(t(text)).outcome == Outcome.MISSING


def test_a_stated_low_impact_counts_as_impact():
    result = check_summary(t("It is a nuisance, not urgent."))
    assert any(e["label"] == "impact" for e in result.evidence)


# -- steps ----------------------------------------------------------------------------------

STEPS_GOOD = [
    "Steps to reproduce:\n1. Create a project\n2. Push a tag",
    "**How to reproduce**\nOpen any MR and click Merge.",
    "To reproduce: run `gitlab-rake gitlab:check` on the primary node.",
    "1. Go to Admin > Runners\n2. Click Register\n3. Copy the token",
    "- open the web IDE\n- edit a file\n- commit to a new branch",
    "First we create a branch from main, then we open an MR and after that the pipeline stalls.",
    "You can reproduce it with any project that has LFS enabled.",
]


@pytest.mark.parametrize("text", STEPS_GOOD)
def test_it_finds_steps_to_reproduce(text):
    result = check_steps(t(text))
    assert result.outcome == Outcome.PASS, text
    assert result.evidence


def test_a_trigger_without_steps_gets_part_credit():
    result = check_steps(t("Whenever we push to the monorepo the job hangs."))
    assert result.outcome == Outcome.PARTIAL
    assert "Whenever we push" in quotes(result)


@pytest.mark.parametrize(
    "text",
    [
        "Our environment:\n- GitLab 16.8.1\n- Ubuntu 22.04\n- 3 Gitaly nodes",  # a list, but no actions
        "The pipeline is broken and nobody knows why.",
    ],
)
def test_a_list_of_facts_is_not_steps(text):
    assert check_steps(t(text)).outcome == Outcome.MISSING


# -- current / expected ---------------------------------------------------------------------

CURRENT_GOOD = [
    "Current behaviour: the page spins forever.",
    "The API returns HTTP 502 after about 60 seconds.",
    'We get "fatal: the remote end hung up unexpectedly" on clone.',
    "Sidekiq logs show NoMethodError in ProjectDestroyWorker.",
    "The job fails with exit code 137.",
    "What we see:\nA blank page with a spinner.",
    "Puma workers get OOM killed every hour.",
]


@pytest.mark.parametrize("text", CURRENT_GOOD)
def test_it_finds_a_description_of_what_happens(text):
    assert check_current(t(text)).outcome == Outcome.PASS, text


@pytest.mark.parametrize(
    "text", ["It doesn't work.", "Broken after the upgrade, please fix ASAP.", "Pipelines are failing."]
)
def test_it_wants_more_than_it_doesnt_work(text):
    assert check_current(t(text)).outcome == Outcome.MISSING


EXPECTED_GOOD = [
    "Expected behavior: the job finishes in under 5 minutes.",
    "The page should load in a couple of seconds like it did before.",
    "We expect the webhook to fire once per push.",
    "This used to work on 16.7.",
    "Normally it takes 3 minutes.",
    "What should happen:\nThe mirror updates every 5 minutes.",
]


@pytest.mark.parametrize("text", EXPECTED_GOOD)
def test_it_finds_the_expected_behaviour(text):
    assert check_expected(t(text)).outcome == Outcome.PASS, text


@pytest.mark.parametrize(
    "text", ["This should be fixed ASAP!", "Should I open another ticket?", "Please help."]
)
def test_demands_and_questions_are_not_expected_behaviour(text):
    assert check_expected(t(text)).outcome == Outcome.MISSING


# -- recent changes -------------------------------------------------------------------------

CHANGES_GOOD = [
    "Recent changes: none that we know of.",
    "We upgraded from 16.5.2 to 16.6.0 on Sunday.",
    "This started after the migration to the new Postgres cluster.",
    "Nothing has changed on our side.",
    "We recently rotated the TLS certificates.",
    "No recent changes to the runners or the network.",
]


@pytest.mark.parametrize("text", CHANGES_GOOD)
def test_it_finds_recent_changes_or_their_absence(text):
    assert check_changes(t(text)).outcome == Outcome.PASS, text


@pytest.mark.parametrize("text", ["The runner fails to pick up jobs.", "We would like to change our plan."])
def test_it_flags_missing_recent_changes(text):
    assert check_changes(t(text)).outcome == Outcome.MISSING


# -- logs, documents --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,ctype",
    [
        ("production.log", "text/plain"),
        ("Screenshot 2025-03-01.png", "image/png"),
        ("gitlabsos_host.tar.gz", "application/gzip"),
        ("trace", "text/plain"),
    ],
)
def test_it_counts_log_and_screenshot_attachments(name, ctype):
    result = check_logs(t("x", first_attachments=(Attachment(name, ctype),)))
    assert result.outcome == Outcome.PASS
    assert result.evidence == [{"attachment": name}]


def test_it_counts_pasted_log_lines():
    text = (
        "Here is the output:\n2025-03-01T10:00:01Z ERROR something broke\n2025-03-01T10:00:02Z WARN retrying"
    )
    result = check_logs(t(text))
    assert result.outcome == Outcome.PASS and "ERROR something broke" in quotes(result)


def test_it_counts_a_pasted_code_block():
    assert (
        check_logs(t("Output:\n```\n$ gitlab-ctl status\nrun: puma\nrun: sidekiq\n```")).outcome
        == Outcome.PASS
    )


def test_it_flags_missing_logs():
    assert check_logs(t("The import fails.")).outcome == Outcome.MISSING
    other = check_logs(t("x", first_attachments=(Attachment("config.bin", "application/octet-stream"),)))
    assert other.outcome == Outcome.PARTIAL


@pytest.mark.parametrize("name", ["Issue description.docx", "error report.PDF", "problem.doc"])
def test_it_flags_doc_and_pdf_attachments_by_name(name):
    result = check_documents(t("x", first_attachments=(Attachment(name),)))
    assert result.outcome == Outcome.FLAGGED and result.points == 10
    assert result.evidence == [{"attachment": name}]


def test_it_also_flags_a_document_the_customer_attached_later_but_not_supports():
    later = (
        Message("Here is our write-up", by_agent=False, attachments=(Attachment("writeup.pdf"),)),
        Message("Our KB article", by_agent=True, attachments=(Attachment("kb.pdf"),)),
    )
    result = check_documents(t("x", messages=later))
    assert [e["attachment"] for e in result.evidence] == ["writeup.pdf"]
    assert check_documents(t("x", first_attachments=(Attachment("a.png"),))).outcome == Outcome.CLEAR


# -- region -----------------------------------------------------------------------------------


def test_it_explains_what_a_chosen_region_does_to_the_sla():
    result = check_region(t(preferred_region="asia_pacific"))
    assert result.outcome == Outcome.PASS
    assert "Asia Pacific" in quotes(result)
    assert "business hours" in result.note and "Australia/Sydney" in result.note


def test_it_suggests_all_regions_for_an_urgent_ticket_tied_to_a_region():
    result = check_region(t(preferred_region="americas_usa", priority="urgent"))
    assert "All Regions" in result.note


def test_it_flags_a_missing_region():
    assert check_region(t()).outcome == Outcome.MISSING
    assert "around the clock" in check_region(t(preferred_region="all_regions")).note


# -- call requests ----------------------------------------------------------------------------

CALLS = [
    "Please call me at +1 555 0100 as soon as possible.",
    "Can we set up a Zoom call today?",
    "I need a screen share with an engineer.",
    "Could someone jump on a quick call?",
    "Reach me at +44 20 7946 0000.",
    "We would like to schedule a meeting with support.",
    "Call us back please.",
]


@pytest.mark.parametrize("text", CALLS)
def test_it_flags_a_call_request_and_quotes_it(text):
    result = check_call_request(t(text))
    assert result.outcome == Outcome.FLAGGED, text
    assert result.evidence


@pytest.mark.parametrize(
    "text",
    [
        "The API call to /projects returns 500.",
        "Every call to the endpoint times out.",
        "The function call fails in the runner.",
        "After our call with the account team we upgraded.",
    ],
)
def test_an_api_call_is_not_a_call_request(text):
    assert check_call_request(t(text)).outcome == Outcome.CLEAR


def test_a_call_asked_for_later_in_the_ticket_is_not_counted():
    later = (Message("Can we do a call tomorrow?", by_agent=False),)
    assert check_call_request(t("Details inside.", messages=later)).outcome == Outcome.CLEAR


# -- follow-ups -------------------------------------------------------------------------------

ASKED = dt.datetime(2025, 3, 4, 10, tzinfo=dt.UTC)


def test_it_flags_a_follow_up_request_the_customer_has_not_answered():
    messages = (
        Message(
            "Thanks! Could you please send the output of `gitlab-ctl status`?",
            by_agent=True,
            created_at=ASKED,
        ),
    )
    result = check_follow_up(t("x", messages=messages))
    assert result.outcome == Outcome.FLAGGED
    assert "Could you please send" in quotes(result)
    assert "2025-03-04" in result.message


def test_an_answer_after_the_request_clears_it():
    messages = (
        Message("Please attach the Sidekiq logs.", by_agent=True, created_at=ASKED),
        Message("Attached, thanks.", by_agent=False, created_at=ASKED + dt.timedelta(hours=2)),
    )
    assert check_follow_up(t("x", messages=messages)).outcome == Outcome.CLEAR


def test_a_new_request_after_the_answer_counts_again():
    messages = (
        Message("Please attach the Sidekiq logs.", by_agent=True),
        Message("Attached.", by_agent=False),
        Message("We'll need the output of the rake task as well.", by_agent=True),
    )
    result = check_follow_up(t("x", messages=messages))
    assert result.outcome == Outcome.FLAGGED and "need the output" in quotes(result)


@pytest.mark.parametrize(
    "body",
    [
        "We have deployed the fix. Let us know if you have any other questions!",
        "Glad it works now, closing this ticket.",
    ],
)
def test_pleasantries_are_not_follow_up_requests(body):
    assert check_follow_up(t("x", messages=(Message(body, by_agent=True),))).outcome == Outcome.CLEAR


def test_internal_notes_are_not_requests_to_the_customer():
    messages = (Message("Could you check the logs in Kibana?", by_agent=True, public=False),)
    assert check_follow_up(t("x", messages=messages)).outcome == Outcome.CLEAR


# -- the score -----------------------------------------------------------------------------------


def test_the_score_adds_positives_and_takes_negatives_away():
    good = review(
        t(
            "Since the upgrade to 16.9 on Monday, every deploy job fails, blocking 30 developers.\n"
            "Steps to reproduce:\n1. Push to main\n2. Watch the deploy job\n"
            "Current behaviour: it fails with exit code 1.\nExpected behaviour: the job should pass.\n"
            "Recent changes: we upgraded from 16.8 to 16.9. " + "More context follows here. " * 5,
            preferred_region="all_regions",
            first_attachments=(Attachment("job.log"),),
        )
    )
    assert good.score == 100 and good.gaps == []
    with_secret = review(
        t(good.results[0].message + " password: Hunter2024!", preferred_region="all_regions")
    )
    assert Check.SENSITIVE in with_secret.gaps


def test_the_score_never_goes_below_zero():
    bad = review(
        t(
            "call me asap. token glpat-abcdefghijklmnopqrstuvwx",
            first_attachments=(Attachment("notes.docx"),),
            messages=(Message("Could you send the logs?", by_agent=True),),
        )
    )
    assert bad.score == 0
    assert {Check.SENSITIVE, Check.CALL_REQUEST, Check.DOC_ATTACHMENT, Check.FOLLOW_UP} <= set(bad.gaps)


def test_the_review_is_deterministic():
    ticket = t(
        "Since Monday the runner fails with exit code 1. Please call me.", preferred_region="asia_pacific"
    )
    assert review(ticket).as_json() == review(ticket).as_json()
