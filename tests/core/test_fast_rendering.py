"""Selects rendered in Python and links reversed once give what Django's own give, and follow
the data: the chosen option is the one chosen now, a changed list shows under a new key."""

import re
import zoneinfo

import pytest
from django import forms
from django.template import Context, Template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from csmportal.fast_html import format_row
from csmportal.widgets import FastSelect

OPTION = re.compile(r'<option value="([^"]*)"(\s+selected)?>([^<]*)</option>')


def options(html: str) -> list[tuple[str, bool, str]]:
    return [(value, bool(selected), label) for value, selected, label in OPTION.findall(str(html))]


def test_a_fast_select_keeps_groups_of_choices_as_djangos_select_does():
    choices = [("", "Choose"), ("Your accounts", [(1, "Acme")]), ("Other accounts", [(2, "Beta <Co>")])]
    fast_html = FastSelect(choices=choices).render("account", 2)
    assert options(fast_html) == options(forms.Select(choices=choices).render("account", 2))
    assert re.findall(r'<optgroup label="([^"]+)">', fast_html) == ["Your accounts", "Other accounts"]


@pytest.mark.parametrize("value", [None, "", "b", ["b"], 2])
def test_a_fast_select_offers_and_marks_what_djangos_select_does(value):
    choices = [("", "Any"), ("a", "Alpha & <Omega>"), ("b", "Beta"), (2, "Two")]
    django_html = forms.Select(choices=choices).render("f", value)
    fast_html = FastSelect(choices=choices).render("f", value)
    assert options(fast_html) == options(django_html)
    assert "&lt;Omega&gt;" in fast_html and "<Omega>" not in fast_html


def test_a_cached_option_list_marks_each_render_s_own_choice_and_changes_with_its_key():
    first = FastSelect(choices=[("1", "One"), ("2", "Two")], options_key=("numbers", 1))
    assert options(first.render("n", "2")) == [("1", False, "One"), ("2", True, "Two")]
    assert options(first.render("n", "1")) == [("1", True, "One"), ("2", False, "Two")]
    # The same key: the list rendered once is reused (what the key promises).
    same = FastSelect(choices=[("9", "Nine")], options_key=("numbers", 1))
    assert [v for v, _s, _l in options(same.render("n", None))] == ["1", "2"]
    # The data changed, so did its key: the new list shows.
    changed = FastSelect(choices=[("1", "One"), ("3", "Three")], options_key=("numbers", 2))
    assert options(changed.render("n", "3")) == [("1", False, "One"), ("3", True, "Three")]


def test_a_list_of_choices_is_its_own_key_so_a_changed_list_shows_at_once():
    from django.utils.safestring import mark_safe

    choices = [("", "Any"), ("1", "Acme <Robotics>"), ("2", "Beta")]
    assert options(FastSelect(choices=choices).render("a", "2")) == options(
        forms.Select(choices=choices).render("a", "2")
    )
    # The same list again (another request): the same options, this render's choice marked.
    again = options(FastSelect(choices=list(choices)).render("a", "1"))
    assert again[1] == ("1", True, "Acme &lt;Robotics&gt;")
    # A name changed, one added: the new list, not the one rendered before.
    changed = [("", "Any"), ("1", "Acme Robotics Inc"), ("2", "Beta"), ("3", "Gamma")]
    assert [label for _v, _s, label in options(FastSelect(choices=changed).render("a", ""))] == [
        "Any",
        "Acme Robotics Inc",
        "Beta",
        "Gamma",
    ]
    # Safe text and the same plain text are different options.
    assert "<i>x</i>" in FastSelect(choices=[("1", mark_safe("<i>x</i>"))]).render("a", None)
    assert "&lt;i&gt;x&lt;/i&gt;" in FastSelect(choices=[("1", "<i>x</i>")]).render("a", None)


@pytest.mark.django_db
def test_the_profile_offers_every_time_zone_with_the_users_own_chosen(csm, csm_client):
    csm.time_zone = "Europe/Berlin"
    csm.save()
    offered = options(csm_client.get("/profile/").content.decode())
    assert {v for v, _s, _l in offered} >= zoneinfo.available_timezones()
    assert [v for v, chosen, _l in offered if chosen] == ["Europe/Berlin"]

    response = csm_client.post("/profile/", {"name": csm.name, "time_zone": "Asia/Tokyo"})
    assert response.status_code == 302
    offered = options(csm_client.get("/profile/").content.decode())
    assert [v for v, chosen, _l in offered if chosen] == ["Asia/Tokyo"]


@pytest.mark.parametrize(
    "tag,name,args",
    [
        ("{% url 'tickets:detail' 5 %}", "tickets:detail", [5]),
        ("{% url 'tickets:detail' '42' %}", "tickets:detail", ["42"]),
        ("{% url 'accounts:step_complete' 3 17 %}", "accounts:step_complete", [3, 17]),
        ("{% url 'tickets:list' %}", "tickets:list", []),
    ],
)
def test_a_link_is_the_url_django_reverses(tag, name, args):
    rendered = Template(tag).render(Context({}))
    assert rendered == reverse(name, args=args)
    assert Template(tag).render(Context({})) == rendered  # the second time from the pattern


def test_a_link_with_keywords_or_text_arguments_is_reversed_as_before():
    assert Template("{% url 'tickets:detail' zd_id=7 %}").render(Context({})) == "/tickets/7/"
    with pytest.raises(Exception, match="Reverse"):
        Template("{% url 'tickets:detail' 'x' %}").render(Context({}))
    with pytest.raises(Exception, match="Reverse"):
        Template("{% url 'tickets:detail' -1 %}").render(Context({}))
    as_var = Template("{% url 'tickets:detail' 8 as link %}[{{ link }}]").render(Context({}))
    assert as_var == "[/tickets/8/]"


@pytest.mark.parametrize(
    "value",
    ['<script>alert("x")</script>', "Tom & Jerry's", 42, None, mark_safe("<b>kept</b>"), gettext_lazy("Yes")],
)
def test_a_fast_row_escapes_each_value_as_format_html_does(value):
    template = '<td title="{}">{}</td>'
    assert format_row(template, value, value) == format_html(template, value, value)
    assert isinstance(format_row(template, value, value), SafeString)


# The ticket dashboard's rows as the template rendered them before they were rendered in Python.
ROW_TEMPLATE = """{% for row in rows %}<tr><td class="mono" data-label="Ticket"><a href="{{ row.url }}">{{ row.zd_id }}</a></td><td class="subject card-title" data-label="Subject"><a href="{{ row.url }}">{{ row.subject }}</a>{% for label, cls in row.flags %} <span class="badge {{ cls }}">{{ label }}</span>{% endfor %}</td><td data-label="Account">{% if row.account_url %}<a href="{{ row.account_url }}">{{ row.account_name }}</a>{% if row.claim_unconfirmed %} <a class="badge warn" href="{{ row.account_url }}#claims" title="The ticket's Zendesk organization carries this account's Salesforce ID, but its name and domains do not match the account's and nobody has confirmed it">other organization, not confirmed</a>{% endif %}{% else %}<span class="badge warn">unlinked</span>{% endif %}</td><td data-label="Requester">{{ row.requester }}</td><td class="status" data-label="Status"><span class="badge">{{ row.status }}</span></td><td data-label="Priority">{{ row.priority }}</td><td class="nowrap sla" data-label="SLA"><span class="badge {{ row.sla_class }}" title="{{ row.sla_title }}">{{ row.sla_label }}</span></td><td class="num score" data-label="Score">{% if row.score is not None %}<span class="badge {{ row.score_class }}">{{ row.score }}</span>{% else %}<span class="muted small">—</span>{% endif %}</td><td class="nowrap" data-label="Opened">{{ row.opened }}</td></tr>
{% endfor %}"""  # noqa: E501


def _row(**changes):
    from tickets.rows import Row

    fields = {
        "pk": 1,
        "zd_id": 4711,
        "url": "/tickets/4711/",
        "subject": 'Runner <script>alert("x")</script> & co',
        "flags": [("Secret shared", "bad"), ("Awaiting <customer>", "warn")],
        "account_url": "/accounts/3/",
        "account_name": "Acme <b>Robotics</b> & 'Sons'",
        "claim_unconfirmed": False,
        "requester": '"Robin" <robin@acme.example>',
        "status": "Open",
        "priority": "Normal",
        "sla_label": "due in 2h",
        "sla_class": "info",
        "sla_title": "First reply due (time left)",
        "score": 42,
        "score_class": "bad",
        "opened": "Tue 8 Dec 2026, 17:00",
    }
    return Row(**{**fields, **changes})


@pytest.mark.parametrize(
    "changes",
    [{}, {"claim_unconfirmed": True}, {"account_url": "", "account_name": ""}, {"score": None, "flags": []}],
)
def test_the_dashboard_rows_are_the_html_the_template_wrote_with_customer_text_escaped(changes):
    from tickets.rows import rows_html

    rows = [_row(**changes), _row(zd_id=4712, url="/tickets/4712/")]
    html = rows_html(rows)
    assert html == Template(ROW_TEMPLATE).render(Context({"rows": rows}))
    assert "<script>" not in html and "<b>" not in html and "<customer>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co" in html


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "America/St_Johns", "Asia/Kolkata"])
@pytest.mark.parametrize("language", ["en-us", "de"])
def test_dates_are_written_as_djangos_formatter_writes_them(zone, language):
    import datetime as dt

    from django.utils import timezone, translation
    from django.utils.formats import date_format

    from csmportal.dates import day, when, when_writer, when_zone

    tz = zoneinfo.ZoneInfo(zone)
    with translation.override(language), timezone.override(tz):
        write = when_writer()  # a page's many times: what `when` writes
        assert write(None) == ""
        for value in [
            dt.datetime(2026, 12, 8, 17, 5, tzinfo=dt.UTC),
            dt.datetime(1999, 1, 3, 0, 0, tzinfo=tz),
        ]:
            local = timezone.localtime(value, tz)
            assert when(value) == date_format(local, "DATETIME_FORMAT") == write(value)
            assert day(value) == date_format(local, "DATE_FORMAT")
            assert when_zone(value) == f"{date_format(local, 'DATETIME_FORMAT')} {date_format(local, 'T')}"
            assert day(local.date()) == date_format(local.date(), "DATE_FORMAT")
    with translation.override("en-us"):
        assert when(dt.datetime(2026, 12, 8, 17, 5, tzinfo=dt.UTC), "UTC") == "Tue 8 Dec 2026, 17:05"
        assert day(dt.date(2026, 2, 1)) == "Sun 1 Feb 2026"


class _HostileForm(forms.Form):
    q = forms.CharField(label='Search <i>"here"</i>', min_length=3, required=False)
    kind = forms.ChoiceField(label="Kind", choices=[("a", "A <&>")], widget=FastSelect, required=False)


@pytest.mark.parametrize("data", [{}, {"q": "ab"}])
def test_a_filter_field_is_the_html_of_the_include_with_its_label_escaped(data):
    form = _HostileForm(data)
    form.is_valid()
    for name, grow in [("q", True), ("kind", False)]:
        context = Context({"field": form[name], "grow": grow})
        tag = Template("{% filter_field field grow=grow %}").render(context)
        include = Template('{% include "_filter_field.html" with field=field grow=grow %}').render(context)
        assert tag.split() == include.split()
    html = Template("{% filter_field field %}").render(Context({"field": form["q"]}))
    assert "&lt;i&gt;&quot;here&quot;&lt;/i&gt;" in html and "<i>" not in html
    assert ("at least 3 characters" in html) == bool(data)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "short",
        "x" * 80,
        "x" * 81,
        "A long subject about a runner that cannot reach the registry since Monday morning, again",
        "Caf\u00e9 cr\u00e8me br\u00fbl\u00e9e " * 8,
        "Cafe\u0301 with a combining accent " * 4,
        "password=\u2022\u2022\u2022\u2022\u2022\u2022\u2022\u2022 then a long tail of text " * 3,
        "\U0001f680 rocket " * 20,
    ],
)
@pytest.mark.parametrize("length", [1, 10, 80])
def test_truncating_writes_what_truncatechars_writes(text, length):
    from django.template.defaultfilters import truncatechars

    from csmportal.fast_html import truncate_chars

    assert truncate_chars(text, length) == truncatechars(text, length)


def test_escaping_is_what_a_template_writes():
    from django.utils.html import conditional_escape
    from django.utils.safestring import mark_safe

    from csmportal.fast_html import escape

    for value in ["<script>\"x\" & 'y'</script>", 42, None, mark_safe("<b>kept</b>")]:
        assert escape(value) == str(conditional_escape(value))
