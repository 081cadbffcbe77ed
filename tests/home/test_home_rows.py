"""The home page's ranked accounts, written in Python, give the HTML the row template wrote,
hostile account names and every reason included; and the queries compiled once give the rows
the ORM gives, for any CSM."""

import datetime as dt
import re

import pytest
from django.template import Context, Template
from django.utils import timezone

from csmportal.home.csm import Reason, Row, _queries, _rows_of, csm_attention
from csmportal.home.rows_html import home_rows_html
from tests.factories import AccountFactory
from tests.home.conftest import MAKERS, account_of, breached

pytestmark = pytest.mark.django_db

# The template the rows were written with before (templates/home/_csm.html).
FORMER = Template(
    """{% for row in rows %}
    <li class="card home-row">
      <div class="home-row-head">
        <a class="home-account" href="{% url 'accounts:detail' row.pk %}">{{ row.name }}</a>
        <a class="btn small home-action" href="{{ row.action.url }}">{{ row.action.button }}</a>
      </div>
      <ul class="home-reasons">
        {% for item in row.items %}<li><a href="{{ item.url }}"><span class="badge {{ item.badge }}">{{ item.label }} · {{ item.count }}</span></a> <span class="small">{{ item.text }}</span></li>{% endfor %}
      </ul>
    </li>
    {% endfor %}"""  # noqa: E501
)


def _same_html(html: str) -> str:
    return re.sub(r">\s+<", "><", str(html)).strip()


def test_the_rows_are_the_html_the_template_wrote_hostile_names_escaped():
    now = timezone.now()
    counts = {str(reason): n for n, reason in enumerate(Reason, start=1)}
    rows = [
        Row(
            pk=7,
            name='<script>alert("x")</script> & Co',
            counts=counts,
            now=now,
            next_due=now + dt.timedelta(hours=3),
            renewal=timezone.localdate(now) + dt.timedelta(days=4),
            renewal_days=4,
            first_request=None,
        ),
        Row(pk=8, name="Quiet Co", counts={Reason.REQUESTS: 1}, now=now, first_request=31),
    ]
    written = home_rows_html(rows)
    assert _same_html(written) == _same_html(FORMER.render(Context({"rows": rows})))
    assert "<script>" not in written and "&lt;script&gt;" in written


def test_the_compiled_queries_give_what_the_orm_gives_for_each_csm(csm, other_csm):
    breached(account_of(csm, "Aurora Analytics"), 2)
    MAKERS["renewal"](account_of(csm, "Borealis Bank"))
    breached(account_of(other_csm, "Other Co"), 1)
    AccountFactory(csm=None, name="Nobody's")
    now = timezone.now()
    for user in (csm, other_csm, csm):  # the second CSM's rows come from the same SQL
        for name in ("accounts", "tickets", "feedback", "ratings", "requests", "steps"):
            orm = _queries(user, now, now + dt.timedelta(hours=24), now - dt.timedelta(days=30))[name]
            assert sorted(map(repr, _rows_of(name, user, now))) == sorted(map(repr, orm))
    assert [row.name for row in csm_attention(other_csm).rows] == ["Other Co"]
