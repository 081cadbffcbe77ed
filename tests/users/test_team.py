"""The admins' Team page: invite (an email goes out), grant and revoke roles (audited), the
two-factor rule kept for a new admin, and who may open it."""

import re

import pytest
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.middleware.csrf import get_token
from django.template import RequestContext, Template
from django.test import RequestFactory

from tests.factories import UserFactory
from tests.instances.restricted import clear, restrict
from users.models import User
from users.roles import Role, user_roles
from users.team import restricted_instances, role_grant, role_revoke, team_invite, team_members
from users.team_html import people_rows

pytestmark = pytest.mark.django_db


def test_it_invites_someone_and_says_an_email_goes_out(
    admin_client_, admin_user, django_capture_on_commit_callbacks
):
    page = admin_client_.get("/team/").content.decode()
    assert "An email goes out to the address" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_.post(
            "/team/",
            {"email": "new.manager@example.com", "name": "New Manager", "roles": ["Support manager"]},
            follow=True,
        )
    assert "Invitation emailed to new.manager@example.com" in response.content.decode()
    user = User.objects.get(email="new.manager@example.com")
    assert user_roles(user) == {Role.SUPPORT_MANAGER} and not user.has_usable_password()
    [email] = mail.outbox
    assert email.to == ["new.manager@example.com"] and "/auth/password/reset/key/" in email.body
    assert LogEntry.objects.filter(object_id=str(user.pk), user=admin_user).exists()


def test_it_refuses_an_address_that_has_a_login_already_with_a_field_error(admin_client_, csm):
    response = admin_client_.post("/team/", {"email": csm.email.upper(), "name": "Again"})
    assert response.status_code == 200
    assert "Someone has this address already" in response.content.decode()
    assert not mail.outbox


def test_it_grants_and_revokes_a_role_and_audits_both(admin_client_, admin_user, csm):
    response = admin_client_.post(
        f"/team/{csm.pk}/roles/", {"role": "Support ops", "change": "grant"}, follow=True
    )
    assert f"{csm} has the Support ops role now." in response.content.decode()
    assert csm.groups.filter(name="Support ops").exists()
    admin_client_.post(f"/team/{csm.pk}/roles/", {"role": "CSM", "change": "revoke"})
    assert list(csm.groups.values_list("name", flat=True)) == ["Support ops"]
    lines = LogEntry.objects.filter(object_id=str(csm.pk), user=admin_user).values_list(
        "change_message", flat=True
    )
    assert set(lines) == {"Granted the Support ops role.", "Revoked the CSM role."}


def test_a_new_admin_must_set_up_two_factor_before_anything_else(client, admin_client_, csm):
    response = admin_client_.post(f"/team/{csm.pk}/roles/", {"role": "Admin", "change": "grant"}, follow=True)
    assert "must set up two-factor authentication" in response.content.decode()
    client.force_login(csm)
    for path in ("/tickets/", "/team/", "/sync/"):
        answer = client.get(path)
        assert answer.status_code == 302 and answer["Location"] == "/auth/2fa/totp/activate/"


def test_nobody_takes_the_admin_role_from_themselves(admin_user):
    with pytest.raises(ValidationError):
        role_revoke(user=admin_user, role="Admin", by=admin_user)
    other = UserFactory(roles=["Admin"])
    assert role_revoke(user=other, role="Admin", by=admin_user) is True


def test_only_admins_change_roles_or_invite(manager, csm):
    with pytest.raises(PermissionDenied):
        role_grant(user=csm, role="Admin", by=manager)
    with pytest.raises(PermissionDenied):
        team_invite(email="x@example.com", name="X", roles=[], by=manager)


def test_it_refuses_an_unknown_role(admin_client_, csm):
    admin_client_.post(f"/team/{csm.pk}/roles/", {"role": "Owner", "change": "grant"})
    assert list(csm.groups.values_list("name", flat=True)) == ["CSM"]


@pytest.mark.parametrize("persona", ["csm", "manager", "ops", "no_role"], indirect=True)
def test_only_admins_open_it(persona):
    _user, client = persona
    assert client.get("/team/").status_code == 403


def test_it_shows_people_roles_rotation_and_people_to_invite(
    admin_client_, csm, manager, django_assert_num_queries
):
    for _ in range(5):
        UserFactory(roles=["CSM"])
    admin_client_.get("/team/")
    # session, user, roles, two-factor, the people with their roles, the rotation's weeks, the
    # next empty week, Salesforce CSMs without a login, changes to people, changes to the rotation
    with django_assert_num_queries(10):
        page = admin_client_.get("/team/").content.decode()
    assert csm.email in page and manager.email in page
    assert f'aria-label="Grant Admin to {csm}"' in page and f'aria-label="Revoke CSM from {csm}"' in page
    assert 'href="/accounts/people-to-invite/"' in page and 'href="/feedback/rotation/"' in page
    assert "Nobody on duty" in page


HOSTILE = '<script>alert("x")</script>'
# The people table's rows as users/team.html wrote them before users.team_html.people_rows.
FORMER_PEOPLE_ROWS = """{% for m in members %}<tr>
  <td>{{ m.user }}<div class="small muted">{{ m.user.email }}</div>
    {% if m.pending %}<span class="badge info">invitation pending</span>{% elif not m.verified %}<span class="badge warn">address not confirmed</span>{% endif %}
    {% if m.needs_totp %}<span class="badge warn">two-factor not set up</span>{% endif %}</td>
  {% for role in roles %}
  <td>
    <form method="post" action="{% url 'team:role_change' m.user.pk %}">{% csrf_token %}
      <input type="hidden" name="role" value="{{ role.value }}">
      {% if role.value in m.roles %}
        <span class="badge ok">yes</span>
        {% if role.value == "Admin" and m.user.pk == user.pk %}{% else %}<button class="btn secondary small" type="submit" name="change" value="revoke" aria-label="Revoke {{ role.label }} from {{ m.user }}">Revoke</button>{% endif %}
      {% else %}
        <button class="btn secondary small" type="submit" name="change" value="grant" aria-label="Grant {{ role.label }} to {{ m.user }}">Grant</button>
      {% endif %}
    </form>
  </td>
  {% endfor %}
  {% if restricted_instances %}
  <td class="team-clearances">
    {% for instance in restricted_instances %}
    <form method="post" action="{% url 'team:clearance_change' m.user.pk %}">{% csrf_token %}
      <input type="hidden" name="instance" value="{{ instance.key }}">
      {{ instance.name }}:
      {% if instance.key in m.clearances %}
        <span class="badge ok">cleared</span>
        <button class="btn secondary small" type="submit" name="change" value="revoke" aria-label="Revoke the clearance for {{ instance.name }} from {{ m.user }}">Revoke</button>
      {% else %}
        <span class="badge">not cleared</span>
        <button class="btn secondary small" type="submit" name="change" value="grant" aria-label="Clear {{ m.user }} for {{ instance.name }}">Grant</button>
      {% endif %}
    </form>
    {% endfor %}
  </td>
  {% endif %}
</tr>
{% endfor %}"""  # noqa: E501


def without_indentation(html: str) -> str:
    """The HTML without the template's indentation, each CSRF token (masked anew each time it is
    written) as one placeholder."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", html)
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


@pytest.mark.parametrize("restricted", [False, True])
def test_the_people_rows_are_what_the_template_wrote(settings, admin_user, restricted):
    """Escaped names and addresses, a form per role and per restricted instance, no revoking
    Admin from oneself: the same HTML the template wrote."""
    if restricted:
        restrict(settings)
    UserFactory(name=f"Mallory {HOSTILE}", email="mallory@example.com", roles=["CSM", "Admin"])
    cleared = UserFactory(name="", email="cleared@example.com", roles=["Support ops"])
    if restricted:
        clear(cleared)
    UserFactory(name="Pending", roles=[], password=None, last_login=None)
    request = RequestFactory().get("/team/")
    request.user = admin_user
    members, roles, instances = team_members(), list(Role), restricted_instances()
    assert bool(instances) is restricted
    context = {"members": members, "roles": roles, "restricted_instances": instances, "user": admin_user}
    former = Template(FORMER_PEOPLE_ROWS).render(RequestContext(request, context))
    html = people_rows(
        members, roles=roles, instances=instances, viewer=admin_user, csrf_token=get_token(request)
    )
    assert without_indentation(html) == without_indentation(former)
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert f'aria-label="Revoke Admin from {admin_user}"' not in html


def test_the_recent_changes_are_the_admin_logs_latest_lines_with_their_author(admin_client_, admin_user):
    """`audit_lines` (one compiled query per model) gives the log's latest lines, newest first,
    with who made each; the page writes them escaped."""
    from django.contrib.contenttypes.models import ContentType

    from feedback.models import RotationWeek
    from users.audit import audit_lines, audit_record

    author = UserFactory(name=f"Author {HOSTILE}", roles=["Admin"])
    for n in range(10):
        actor = author if n % 2 else admin_user
        audit_record(actor=actor, obj=UserFactory(name=f"P{n}"), message=f"Change {n}")
    expected = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User, for_concrete_model=False)
    ).select_related("user")[:8]

    def shown(lines):
        return [(x.pk, x.action_time, str(x.user), x.object_repr, x.get_change_message()) for x in lines]

    assert shown(audit_lines(User, limit=8)) == shown(expected)
    assert audit_lines(RotationWeek, limit=8) == []
    page = admin_client_.get("/team/").content.decode()
    assert "Recent changes to people" in page and "Author &lt;script&gt;" in page and "Change 9" in page
    assert "Change 1<" not in page  # the ninth newest is not shown
