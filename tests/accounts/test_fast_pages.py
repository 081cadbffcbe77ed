"""The accounts pages' parts written in Python (portfolio rows, filter fields, owner selects) and
the portfolio's SQL compiled once: hostile text stays escaped, and nothing goes stale."""

import datetime as dt

import pytest
from django import forms
from django.utils import timezone

from accounts import portfolio
from accounts.onboarding_html import owner_options, owner_select
from accounts.portfolio import portfolio_rows
from csmportal.form_tags import filter_field, text_input
from feedback.models import Score
from tests.factories import AccountFactory, OrganizationFactory, RatingFactory, TicketFactory, UserFactory
from tests.factories.accounts import start_checklist

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script> & Co'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co"


def test_the_portfolio_escapes_hostile_names_of_accounts_and_csms(csm_client, csm):
    csm.name = "<b>Bold</b> & Sons"
    csm.save()
    AccountFactory(
        csm=csm, name=HOSTILE, region="EMEA", renewal_date=timezone.localdate() + dt.timedelta(days=1)
    )
    page = csm_client.get("/accounts/").content.decode()
    assert ESCAPED in page and HOSTILE not in page
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; Sons" in page and "<b>Bold</b>" not in page
    assert '<span class="badge warn">in 1 day</span>' in page


def test_the_portfolio_row_links_to_the_account_and_its_open_tickets(csm_client, csm):
    account = AccountFactory(csm=csm, name="Acme")
    page = csm_client.get("/accounts/").content.decode()
    assert f'<a href="/accounts/{account.pk}/">Acme</a>' in page
    assert f'href="/tickets/?csm=any&amp;account={account.pk}&amp;status=unsolved">0</a>' in page


def test_the_compiled_portfolio_columns_count_ratings_of_the_last_90_days_at_each_request(csm, monkeypatch):
    account = AccountFactory(csm=csm)
    org = OrganizationFactory(account=account)
    ticket = TicketFactory(requester__organization=org)
    RatingFactory(ticket=ticket, score=Score.GOOD, zd_created_at=timezone.now() - dt.timedelta(days=80))
    start_checklist(account, actor=csm)
    [row] = portfolio_rows([account.pk])
    assert row.ratings_good == 1 and row.steps_total > 0
    # Twenty days later the same process (the SQL compiled already) no longer counts it.
    later = timezone.now() + dt.timedelta(days=20)
    monkeypatch.setattr(portfolio.timezone, "now", lambda: later)
    [row] = portfolio_rows([account.pk])
    assert row.ratings_good == 0


def test_the_portfolio_totals_follow_the_filters(csm, csm_client):
    AccountFactory(csm=csm, name="Acme")
    AccountFactory(csm=csm, name="Beta")
    stats = csm_client.get("/accounts/", {"q": "acm"}).context["stats"]
    assert (stats["accounts"], stats["not_started"], stats["with_problems"]) == (1, 1, 1)
    stats = csm_client.get("/accounts/", {"q": "nothing like it"}).context["stats"]
    assert stats["accounts"] == 0 and stats["tickets_open"] == 0


class _Form(forms.Form):
    q = forms.CharField(label="Search <now>", required=False)
    name = forms.CharField(
        max_length=20, widget=forms.TextInput(attrs={"placeholder": 'a "b" <c>', "autofocus": True})
    )
    kind = forms.ChoiceField(choices=[("a", "A & B")], required=True)


def test_a_filter_field_escapes_its_label_and_value_and_shows_its_errors():
    form = _Form({"q": HOSTILE, "kind": "zzz"})
    form.is_valid()
    html = str(filter_field(form["q"], grow=True))
    assert '<div class="field grow">' in html and "Search &lt;now&gt;" in html
    assert ESCAPED in html and HOSTILE not in html
    assert "errorlist" not in html
    assert text_input(form["q"]) == str(form["q"])  # the search box as Django writes it
    html = str(filter_field(form["kind"]))
    assert '<div class="field">' in html and "errorlist" in html


@pytest.mark.parametrize("data", [{}, {"name": ""}, {"name": HOSTILE}, {"name": "Ann & Bob"}])
def test_a_text_input_is_written_as_djangos_own(data):
    bound = _Form(data or None)["name"]
    assert text_input(bound) == str(bound)
    assert HOSTILE not in text_input(bound)


def test_an_owner_select_escapes_names_and_chooses_the_steps_owner():
    people = [UserFactory(name="<img src=x> Eve"), UserFactory(name="Ann")]
    options = owner_options((person.pk, str(person)) for person in people)
    html = str(owner_select(7, people[1].pk, options))
    assert html.startswith('<select id="owner-7" name="owner">')
    assert "&lt;img src=x&gt; Eve" in html and "<img" not in html
    assert f'<option value="{people[1].pk}" selected>Ann</option>' in html
    assert '<option value="">Nobody</option>' in html
    assert " selected" not in str(owner_select(8, None, options))


@pytest.mark.parametrize(
    "templates",
    [
        [(2, "Only one", False)],
        [(3, HOSTILE, False), (5, "Default", True), (9, "Ann & Bob", False)],
        [(4, "First", False), (6, "Second", False)],
    ],
)
def test_the_start_select_is_written_as_the_start_forms_own(templates):
    from types import SimpleNamespace

    from accounts.forms import StartChecklistForm
    from accounts.onboarding_html import start_select

    rows = [{"pk": pk, "name": name, "is_default": default} for pk, name, default in templates]
    form = StartChecklistForm(templates=[SimpleNamespace(**row) for row in rows])
    assert form["template"].id_for_label == "id_template"
    assert str(start_select(rows)) == str(form["template"])


def test_the_startable_templates_rows_are_the_startable_templates():
    from accounts.selectors import startable_template_rows, startable_templates

    account = AccountFactory()
    before = startable_template_rows(account)
    assert before and [row["pk"] for row in before] == [t.pk for t in startable_templates(account)]
    start_checklist(account)
    after = startable_template_rows(account)
    assert [row["pk"] for row in after] == [t.pk for t in startable_templates(account)]
    assert len(after) == len(before) - 1
    assert [(r["name"], r["is_default"]) for r in after] == [
        (t.name, t.is_default) for t in startable_templates(account)
    ]


def test_the_account_pages_people_summary_has_the_figures_of_the_whole_list():
    from contacts.selectors import account_people, people_summary
    from tests.factories import ContactFactory, SupportUserFactory

    account = AccountFactory(seats=120)
    org = OrganizationFactory(account=account, cmp_id="42")
    for n in range(3):
        contact = ContactFactory(account=account)
        if n:
            SupportUserFactory(organization=org, email=contact.email)
    SupportUserFactory(organization=org)
    account.sold_to_email = contact.email
    people = account_people(account, details=False)
    summary = people_summary(people)
    figures = (
        "can_open_tickets",
        "registered_contacts",
        "salesforce_contacts",
        "cmp_ids",
        "has_cmp",
        "limit",
    )
    assert [getattr(summary, name) for name in figures] == [getattr(people, name) for name in figures]
    assert summary.maintainer_limit == people.maintainer_limit
    assert summary.warnings == people.warnings and summary.developer_count == len(people.developers)
    assert summary.has_sold_to and summary.sold_to_name == people.sold_to.name


def test_the_possible_owners_choices_are_the_possible_owners():
    from accounts.forms import possible_owner_choices, possible_owners

    UserFactory(name="", roles=["CSM"])
    UserFactory(name="Zed", roles=["Admin"])
    UserFactory(name="Nobody's", roles=[])
    assert possible_owner_choices() == [(user.pk, str(user)) for user in possible_owners()]


@pytest.mark.parametrize("zone", ["UTC", "Pacific/Auckland"])
def test_the_trail_is_written_as_its_former_template(zone):
    from django.template import Context, Template
    from django.utils import timezone as tz

    from accounts.onboarding_html import trail_rows
    from accounts.services import account_event_record

    account = AccountFactory()
    account_event_record(account=account, actor=UserFactory(name=HOSTILE), verb="note", summary=HOSTILE)
    account_event_record(account=account, actor=None, verb="note", summary='Ann & Bob\'s "step"')
    events = list(account.events.select_related("actor"))
    former = Template(
        "{% for event in events %}\n    <li><time datetime=\"{{ event.created_at|date:'c' }}\" "
        'class="nowrap small muted">{{ event.created_at|when }}</time> <span class="acc-actor">'
        '{{ event.actor|default:"Portal" }}</span> <span>{{ event.summary }}</span></li>\n    {% endfor %}'
    )
    with tz.override(zone):
        assert str(trail_rows(events)) == former.render(Context({"events": events}))
    assert HOSTILE not in str(trail_rows(events))


def test_the_compiled_account_read_gives_the_orms_account_and_csm(django_assert_num_queries):
    from django.forms.models import model_to_dict
    from django.http import Http404

    from accounts.models import Account
    from accounts.selectors import _account_with_csm

    for csm in (UserFactory(name=HOSTILE), None):
        expected = Account.objects.select_related("csm").get(pk=AccountFactory(csm=csm).pk)
        with django_assert_num_queries(1):
            account = _account_with_csm(expected.pk)
            assert account.csm == expected.csm  # cached with the account: no second query
        assert model_to_dict(account) == model_to_dict(expected)
        assert [getattr(account, f.attname) for f in Account._meta.concrete_fields] == [
            getattr(expected, f.attname) for f in Account._meta.concrete_fields
        ]
        if csm is not None:
            assert model_to_dict(account.csm) == model_to_dict(expected.csm)
        assert not account._state.adding and account._state.db == expected._state.db
    with pytest.raises(Http404):
        _account_with_csm(expected.pk + 1000)


ORG_CARDS_FORMER = (  # detail.html's organization cards before `org_cards`
    "{% for o in orgs %}\n"
    '  <section class="card" aria-label="Zendesk{% if o.instance %} {{ o.instance }}{% endif %}'
    ' organization {{ o.org.zd_id }}">\n'
    "    <h2>Zendesk{% if o.instance %} {{ o.instance }}{% endif %}{% if orgs|length > 1 %} <sp"
    'an class="small muted">({{ forloop.counter }} of {{ orgs|length }})</span>{% endif %}</h2>'
    "\n"
    '    <dl class="fields">\n'
    '      <dt>Organization</dt><dd><a href="{{ o.zendesk_url }}" target="_blank" rel="noopener'
    '">{{ o.org.name }}</a> <span class="muted mono">{{ o.org.zd_id }}</span>{% if o.unconfirme'
    'd %} <a class="badge warn" href="#claims">claims this account, not confirmed</a>{% endif %'
    "}</dd>\n"
    "      <dt>salesforce_id</dt><dd class=\"mono{% if 'sf_id' in o.mismatches %} acc-mismatch{%"
    ' endif %}">{{ o.org.salesforce_id|default:"—" }}</dd>\n'
    "      {% if mapped.organization.support_level %}<dt>Support level</dt><dd{% if 'plan' in o"
    '.mismatches %} class="acc-mismatch"{% endif %}>{{ o.org.support_level|default:"—" }}</dd>{'
    "% endif %}\n"
    "      {% if mapped.organization.org_region %}<dt>Region</dt><dd{% if 'region' in o.mismatc"
    'hes %} class="acc-mismatch"{% endif %}>{{ o.org.org_region|default:"—" }}</dd>{% endif %}\n'
    "      {% if mapped.organization.technical_account_manager %}<dt>CSM (TAM field)</dt><dd{% "
    "if 'csm' in o.mismatches %} class=\"acc-mismatch\"{% endif %}>{{ o.org.technical_account_man"
    'ager|default:"—" }}</dd>{% endif %}\n'
    '      <dt>Collaboration project ID</dt><dd>{% if o.project_url %}<a href="{{ o.project_url'
    ' }}" target="_blank" rel="noopener" class="mono">{{ o.org.am_project_id }}</a>{% elif o.or'
    'g.am_project_id %}<span class="acc-mismatch">{{ o.org.am_project_id }}</span> <span class='
    '"badge warn">not a project ID</span>{% else %}<span class="badge warn">missing</span>{% en'
    "dif %}</dd>\n"
    "      {% if mapped.organization.cmp_id %}<dt>Contact management project</dt><dd>{{ o.org.c"
    'mp_id|default:"none" }}</dd>{% endif %}\n'
    '      <dt>Domains</dt><dd>{{ o.org.domain_names|join:", "|default:"—" }}</dd>\n'
    '      <dt>Notes</dt><dd>{% if o.org.notes %}<span class="acc-prewrap">{{ o.org.notes }}</s'
    'pan>{% else %}<span class="muted">none</span>{% endif %}</dd>\n'
    "    </dl>\n"
    "  </section>\n"
    "  {% endfor %}"
)


@pytest.mark.parametrize("mapped_all", [True, False])
@pytest.mark.parametrize("count", [1, 3])
def test_the_org_cards_are_written_as_the_former_template(mapped_all, count):
    from django.template import Context, Template

    from accounts.page_html import org_cards

    account = AccountFactory()
    rows = []
    for n in range(count):
        org = OrganizationFactory(
            account=account,
            name=HOSTILE,
            salesforce_id="" if n == 1 else '<i>"a" &b</i>',  # 18 characters at most
            support_level=HOSTILE if n else "",
            org_region="EMEA",
            technical_account_manager="" if n else HOSTILE,
            am_project_id=["", "123", HOSTILE][n % 3],
            cmp_id=HOSTILE if n == 2 else "",
            domain_names=[HOSTILE, "a.example"] if n == 0 else [],
            notes=HOSTILE if n != 1 else "",
        )
        rows.append(
            {
                "org": org,
                "zendesk_url": f"https://z.example/{n}?a=1&b=<2>",
                "instance": HOSTILE if n == 1 else "",
                "project_url": "https://p.example/123?x=1&y=2" if n == 1 else "",
                "mismatches": {"sf_id", "plan", "region", "csm"} if n != 1 else set(),
                "unconfirmed": n == 2 or count == 1,
            }
        )
    fields = ("support_level", "org_region", "technical_account_manager", "cmp_id")
    mapped = {"organization": {name: mapped_all for name in fields}}
    expected = Template(ORG_CARDS_FORMER).render(Context({"orgs": rows, "mapped": mapped}))
    assert str(org_cards(rows, mapped)) == expected
    assert HOSTILE not in expected
