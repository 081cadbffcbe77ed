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
