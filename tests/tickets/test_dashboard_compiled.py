"""The dashboard's SQL compiled once per set of filter values lists what the ORM lists; its rows
read as tuples give the rows the models gave."""

import pytest
from django.db import connection
from django.http import QueryDict
from django.test import RequestFactory

from csmportal.filters import default_csm_scope
from tickets.filters import TicketFilter
from tickets.models import Status, Ticket, TicketGap
from tickets.rows import dashboard_rows, listed, listed_queryset
from tickets.selectors import COUNT_CAP, DashboardTickets, dashboard_tickets, ticket_dashboard

pytestmark = pytest.mark.django_db

QUERIES = [
    "",
    "csm=any",
    "csm=none",
    "csm=any&status=unsolved",
    "csm=any&status=deleted",
    "csm=any&q=deploy",
    "csm=any&q=%23{zd_id}",
    "csm=any&priority=high&sort=score",
    "csm=any&finding=sensitive&sort=oldest",
    "csm=any&preferred_region=none&sort=updated",
    "csm=any&opened_after=2020-01-01&opened_before=2100-01-01",
    "csm=any&account={theirs}",
    "csm={other_csm}",
    "csm=any&sla=breached",  # reads the clock: the ORM's queryset
]


def _filterset(user, query):
    request = RequestFactory().get("/tickets/?" + query)
    request.user = user
    data = default_csm_scope(QueryDict(query), request)
    return TicketFilter(data, ticket_dashboard(user), request=request)


def _page(tickets):
    return tickets.count_upto(COUNT_CAP + 1), tickets[0:50], tickets[1:3]


@pytest.mark.parametrize("query", QUERIES)
def test_the_compiled_dashboard_lists_what_the_orm_lists(csm, other_csm, world, make_ticket, query):
    tickets = [
        make_ticket("mine", subject="Every deploy fails", priority="high"),
        make_ticket("mine2", days_ago=3, status=Status.PENDING),
        make_ticket("theirs", days_ago=2, status=Status.DELETED),
        make_ticket("orphan", days_ago=5),
        make_ticket("theirs", days_ago=4, status=Status.SOLVED),
    ]
    TicketGap.objects.create(ticket=tickets[0], code="sensitive")
    query = query.format(zd_id=tickets[0].zd_id, theirs=world["theirs"].pk, other_csm=other_csm.pk)
    filterset = _filterset(csm, query)
    orm = _page(DashboardTickets(filterset.qs, None, "default"))
    assert orm[0] or query in ("csm=none", "csm=any&finding=sensitive&sort=oldest")
    first = dashboard_tickets(_filterset(csm, query), csm)
    again = dashboard_tickets(_filterset(csm, query), csm)  # the SQL compiled for the first
    compiled = connection.vendor == "postgresql" and "sla=" not in query
    if compiled:
        assert first.compiled is not None and again.compiled is first.compiled
    else:
        assert first.compiled is None and again.compiled is None
    assert _page(first) == orm and _page(again) == orm


def test_an_empty_scope_lists_nothing(csm):
    tickets = dashboard_tickets(_filterset(csm, ""), csm)  # a CSM without accounts
    assert _page(tickets) == (0, [], [])


def test_a_ticket_read_as_a_tuple_gives_the_row_its_model_gave(world, make_ticket):
    ticket = make_ticket("mine", subject="Password: hunter22 in <b>the</b> log", quality_score=40)
    TicketGap.objects.create(ticket=ticket, code="follow_up")
    model = Ticket.objects.select_related("account", "organization", "requester").get(pk=ticket.pk)
    (as_tuple,) = listed_queryset(Ticket.objects.filter(pk=ticket.pk))
    assert as_tuple == listed(model)
    assert dashboard_rows([as_tuple]) == dashboard_rows([model])
