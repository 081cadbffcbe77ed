"""The forward form: ticket by number, any Zendesk link or search; the account from the
ticket; clear field errors that keep what was typed; one item per submission."""

import re

import pytest

from feedback.models import Feedback
from tests.factories import AccountFactory, TicketFactory

pytestmark = pytest.mark.django_db


def post(client, **overrides):
    data = {
        "ticket": "",
        "account": "",
        "sentiment": "negative",
        "channel": "email",
        "customer_words": "We waited four days for a reply.",
        "csm_context": "They are evaluating a competitor.",
    }
    data.update(overrides)
    return client.post("/feedback/forward/", data)


@pytest.mark.parametrize(
    "reference",
    [
        "{n}",
        "#{n}",
        "https://example.zendesk.com/agent/tickets/{n}",
        "https://example.zendesk.com/api/v2/tickets/{n}.json",
    ],
)
def test_it_forwards_with_a_ticket_number_or_link_and_takes_the_account_from_it(
    client, csm, ticket, on_duty, reference
):
    client.force_login(csm)
    response = post(client, ticket=reference.format(n=ticket.zd_id))
    item = Feedback.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/feedback/{item.pk}/"
    assert (item.ticket, item.account, item.forwarded_by, item.reviewing_manager) == (
        ticket, ticket.account, csm, on_duty,
    )  # fmt: skip
    assert item.customer_words == "We waited four days for a reply." and item.channel == "email"
    page = client.get(response["Location"]).content.decode()
    assert f"Forwarded to {on_duty}" in page


def test_it_forwards_a_ticket_not_synced_yet_with_the_chosen_account(client, csm, account):
    client.force_login(csm)
    response = post(client, ticket="https://example.zendesk.com/agent/tickets/987654", account=account.pk)
    item = Feedback.objects.get()
    assert response.status_code == 302 and item.ticket is None and item.zd_ticket_id == 987654
    assert b"not synced yet" in client.get(f"/feedback/{item.pk}/").content


def test_it_asks_for_the_account_when_the_ticket_is_unknown_and_keeps_the_input(client, csm):
    client.force_login(csm)
    response = post(client, ticket="987654", customer_words="Exactly what they said <b>bold</b>")
    assert response.status_code == 200 and not Feedback.objects.exists()
    assert response.context["form"].errors["account"] == [
        "Ticket #987654 isn't in the portal yet, so choose its account."
    ]
    html = response.content.decode()
    assert "Exactly what they said &lt;b&gt;bold&lt;/b&gt;" in html  # kept, and escaped
    assert 'value="987654"' in html


def test_it_explains_what_it_could_not_read_as_a_ticket(client, csm, account):
    client.force_login(csm)
    response = post(client, ticket="https://example.zendesk.com/agent/users/5", account=account.pk)
    assert "isn't a ticket number or a Zendesk ticket link" in response.context["form"].errors["ticket"][0]


def test_it_refuses_a_ticket_of_another_account(client, csm, account, other_account):
    foreign = TicketFactory(account=other_account)
    client.force_login(csm)
    response = post(client, ticket=str(foreign.zd_id), account=account.pk)
    assert "belongs to Globex, not Acme Robotics" in response.context["form"].errors["ticket"][0]
    assert not Feedback.objects.exists()


def test_it_requires_the_customers_words_sentiment_and_channel(client, csm, account):
    client.force_login(csm)
    response = post(client, account=account.pk, customer_words="", sentiment="", channel="fax")
    errors = response.context["form"].errors
    assert set(errors) == {"customer_words", "sentiment", "channel"}
    assert b"nothing you typed is lost" in response.content


def test_it_makes_one_item_of_a_double_submit(client, csm, account):
    client.force_login(csm)
    key = re.search(
        r'name="submission_key" value="([^"]+)"', client.get("/feedback/forward/").content.decode()
    )[1]
    post(client, account=account.pk, submission_key=key)
    second = post(client, account=account.pk, submission_key=key)
    assert Feedback.objects.count() == 1
    assert second["Location"] == f"/feedback/{Feedback.objects.get().pk}/"


def test_it_prefills_the_account_and_ticket_from_the_link(client, csm, account, ticket):
    client.force_login(csm)
    response = client.get(f"/feedback/forward/?account={account.pk}&ticket={ticket.zd_id}")
    form = response.context["form"]
    assert form.initial["account"] == account.pk and form.initial["ticket"] == str(ticket.zd_id)
    html = response.content.decode()
    assert f'<option value="{account.pk}" selected>' in html
    assert "Your accounts" in html  # the CSM's own accounts come first


def test_it_says_who_is_on_duty_or_that_nobody_is(client, csm, manager):
    client.force_login(csm)
    assert b"Nobody on duty" in client.get("/feedback/forward/").content
    from tests.factories.feedback import RotationWeekFactory

    RotationWeekFactory(manager=manager)
    assert (
        f"<strong>{manager}</strong> is the support manager on review duty".encode()
        in client.get("/feedback/forward/").content
    )


def test_it_looks_up_a_ticket_by_number_or_link(client, csm, ticket, django_assert_num_queries):
    client.force_login(csm)
    with django_assert_num_queries(4):  # session, user, roles, the ticket
        response = client.get(
            f"/feedback/forward/ticket-lookup/?ticket=https://example.zendesk.com/agent/tickets/{ticket.zd_id}"
        )
    html = response.content.decode()
    assert "Found" in html and "Runner keeps timing out" in html and "Acme Robotics" in html
    missing = client.get("/feedback/forward/ticket-lookup/?ticket=%23555000").content.decode()
    assert "Not synced yet" in missing and "#555000" in missing


def test_it_searches_ticket_subjects_and_prefers_the_chosen_account(client, csm, ticket, other_account):
    elsewhere = TicketFactory(account=other_account, subject="Runner keeps failing elsewhere")
    client.force_login(csm)
    html = client.get("/feedback/forward/ticket-lookup/?ticket=runner").content.decode()
    assert f"#{ticket.zd_id}" in html and f"#{elsewhere.zd_id}" in html
    scoped = client.get(
        f"/feedback/forward/ticket-lookup/?ticket=runner&account={ticket.account_id}"
    ).content.decode()
    assert f"#{ticket.zd_id}" in scoped and f"#{elsewhere.zd_id}" not in scoped
    short = client.get("/feedback/forward/ticket-lookup/?ticket=ru").content.decode()
    assert "at least three letters" in short


def test_it_fills_the_ticket_and_account_fields_when_a_result_is_picked(client, csm, ticket):
    client.force_login(csm)
    html = client.get(f"/feedback/forward/ticket-lookup/?ticket={ticket.zd_id}&pick=1").content.decode()
    assert re.search(
        rf'<input type="text" name="ticket" value="#{ticket.zd_id}"[^>]*hx-swap-oob="true" id="id_ticket">',
        html,
    )
    assert re.search(r'<select name="account" hx-swap-oob="true"[^>]*id="id_account">', html)
    assert f'<option value="{ticket.account_id}" selected>' in html


def test_enter_on_words_before_their_results_picks_the_first_result(client, csm, ticket, other_account):
    """Enter pressed while the results on screen were for other text: the page asks again with
    `pick`, and the first result (the one the list marks) fills the fields."""
    TicketFactory(
        account=other_account, subject="Runner keeps failing elsewhere", zd_created_at=ticket.zd_created_at
    )
    client.force_login(csm)
    html = client.get("/feedback/forward/ticket-lookup/?ticket=timing+out&pick=1").content.decode()
    assert re.search(
        rf'<input type="text" name="ticket" value="#{ticket.zd_id}"[^>]*hx-swap-oob="true" id="id_ticket">',
        html,
    )
    assert f'<option value="{ticket.account_id}" selected>' in html
    assert "Found" in html
    nothing = client.get("/feedback/forward/ticket-lookup/?ticket=no+such+words&pick=1").content.decode()
    assert 'hx-swap-oob="true"' not in nothing and "No ticket subject contains" in nothing


def test_it_escapes_ticket_subjects_in_search_results(client, csm, account):
    TicketFactory(account=account, subject='<img src=x onerror="alert(1)"> runner')
    client.force_login(csm)
    html = client.get("/feedback/forward/ticket-lookup/?ticket=runner").content.decode()
    assert "<img src=x" not in html and "&lt;img" in html


def test_it_offers_a_csms_own_accounts_first(client, csm, account):
    AccountFactory(name="Aardvark Corp")  # alphabetically first, but not theirs
    client.force_login(csm)
    html = client.get("/feedback/forward/").content.decode()
    assert html.index("Acme Robotics") < html.index("Aardvark Corp")
