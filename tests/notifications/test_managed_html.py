"""The preferences page's managed accounts, rendered in Python, are the HTML the template
wrote, with account names escaped."""

import re

from django.template import Context, Template

from notifications.managed_html import managed_accounts_html
from tests.factories import AccountFactory

FORMER_TEMPLATE = (
    "{% for account, is_muted in csm_accounts %}"
    '<li id="managed-{{ account.pk }}">'
    "<a href=\"{% url 'accounts:detail' account.pk %}\">{{ account.name }}</a>"
    '{% if is_muted %} <span class="badge warn">Muted</span>{% endif %}'
    '<form method="post" action="{% url \'notifications:account_watch\' account.pk %}" class="inline">'
    "{% csrf_token %}"
    '<input type="hidden" name="action" value="{% if is_muted %}unmute{% else %}mute{% endif %}">'
    '<input type="hidden" name="next" value="{% url \'notifications:preferences\' %}">'
    '<button class="btn secondary small" type="submit">{% if is_muted %}Unmute{% else %}Mute{% endif %}'
    '<span class="sr-only"> {{ account.name }}</span></button></form></li>'
    "{% endfor %}"
)


def normalized(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", str(html))).strip()


def test_the_managed_accounts_are_the_html_the_template_wrote_with_names_escaped(db):
    accounts = [
        (AccountFactory(name='Acme <script>alert("x")</script> & Co'), False),
        (AccountFactory(), True),
    ]
    token = "abc123token"
    expected = Template(FORMER_TEMPLATE).render(Context({"csm_accounts": accounts, "csrf_token": token}))
    html = managed_accounts_html(accounts, csrf_token=token)
    assert normalized(html) == normalized(expected)
    assert "<script>" not in html and "Acme &lt;script&gt;" in html
    assert html.count(">Unmute<") == 1 and html.count(">Mute<") == 1
    assert 'name="csrfmiddlewaretoken" value="abc123token"' in html
