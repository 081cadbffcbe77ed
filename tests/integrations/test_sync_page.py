"""The sync page: who may look, who may press "sync now", what it shows, and its queries."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from integrations.models import RunStatus, Stream, SyncRun, SyncState
from integrations.sync_html import run_rows
from tests.factories import TicketFactory, UserFactory

pytestmark = pytest.mark.django_db
ROLES = ["csm", "other_csm", "manager", "ops", "admin", "no_role", "anonymous"]
MAY_TRIGGER = {"ops", "admin"}
MAY_LOOK = {"csm", "other_csm", "manager", "ops", "admin"}


@pytest.mark.parametrize("persona", ROLES, indirect=True)
def test_it_shows_the_page_to_every_role_and_the_button_to_ops_and_admins(persona):
    user, client = persona
    response = client.get("/sync/")
    if user is None:
        assert response.status_code == 302 and response["Location"].startswith("/auth/login/")
        return
    if user.name not in MAY_LOOK:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    assert (b"Sync everything now" in response.content) == (user.name in MAY_TRIGGER)


@pytest.mark.parametrize("persona", ROLES, indirect=True)
def test_only_ops_and_admins_may_trigger_a_sync(persona, django_capture_on_commit_callbacks):
    user, client = persona
    with django_capture_on_commit_callbacks() as queued:
        response = client.post("/sync/run/", {"stream": "zendesk.tickets"})
    if user is None:
        assert response.status_code == 302 and response["Location"].startswith("/auth/login/")
    elif user.name in MAY_TRIGGER:
        assert response.status_code == 302 and response["Location"] == "/sync/"
        assert len(queued) == 1
        assert SyncState.objects.get(stream="zendesk.tickets").requested_at is not None
    else:
        assert response.status_code == 403
    if user is None or user.name not in MAY_TRIGGER:
        assert not queued and not SyncState.objects.filter(requested_at__isnull=False).exists()


def test_sync_now_enqueues_the_streams_task_after_commit(
    admin_client_, admin_user, django_capture_on_commit_callbacks, monkeypatch
):
    from integrations import tasks

    sent = []
    monkeypatch.setattr(tasks.SYNC_TASKS["zendesk.tickets"], "apply_async", lambda **kw: sent.append(kw))
    with django_capture_on_commit_callbacks(execute=True):
        admin_client_.post("/sync/run/", {"stream": "zendesk.tickets"})
    assert sent == [{"kwargs": {"trigger": "manual", "user_id": admin_user.pk}}]
    page = admin_client_.get("/sync/")
    assert b"Queued" in page.content


def test_sync_all_queues_every_stream(ops_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        response = ops_client.post("/sync/run/", {"stream": "all"}, follow=True)
    assert len(queued) == len(Stream.values)
    assert b"Sync of every stream queued." in response.content


def test_an_unknown_stream_is_refused_with_a_message(ops_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        response = ops_client.post("/sync/run/", {"stream": "zendesk.everything"}, follow=True)
    assert not queued and b"Choose a stream to sync." in response.content


def test_sync_now_needs_a_post(ops_client):
    assert ops_client.get("/sync/run/").status_code == 405


def make_runs(per_stream: int) -> None:
    now = timezone.now()
    for stream in Stream.values:
        SyncState.objects.update_or_create(
            stream=stream, defaults={"synced_through": now - timedelta(minutes=2), "last_success_at": now}
        )
        for n in range(per_stream):
            run = SyncRun.objects.create(stream=stream, status=RunStatus.SUCCEEDED, fetched=n, created=n)
            SyncRun.objects.filter(pk=run.pk).update(
                started_at=now - timedelta(minutes=n + 1), finished_at=now - timedelta(minutes=n)
            )


def queries_for(client) -> int:
    cache.clear()  # the row counts are cached for a few seconds
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/sync/").status_code == 200
    return len(ctx.captured_queries)


def test_its_queries_do_not_grow_with_the_runs_or_records(admin_client_, django_assert_num_queries):
    make_runs(2)
    few = queries_for(admin_client_)
    make_runs(20)
    TicketFactory.create_batch(5)
    assert queries_for(admin_client_) == few
    # Session + user + roles + two-factor, then: states, last runs per stream, row counts, the
    # nine finding counts (one query) and, for an admin, the database check.
    cache.clear()
    with django_assert_num_queries(few):
        admin_client_.get("/sync/")
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        admin_client_.get("/sync/", headers={"HX-Request": "true"})
    assert len(ctx.captured_queries) == few - 2  # the poll skips the findings and the health
    with CaptureQueriesContext(connection) as ctx:
        admin_client_.get("/sync/", headers={"HX-Request": "true"})
    assert len(ctx.captured_queries) == few - 3  # and, polling again soon, the row counts


def test_it_shows_progress_of_a_running_sync_and_the_last_error(csm_client):
    now = timezone.now()
    SyncState.objects.create(
        stream="salesforce.accounts", locked_until=now + timedelta(minutes=1), lock_token="x"
    )
    SyncRun.objects.create(
        stream="salesforce.accounts", fetched=500, expected=2000, pages=1, heartbeat_at=now
    )
    SyncState.objects.create(
        stream="zendesk.users", last_error="GET /api/v2/incremental/users: 401 - check the credentials"
    )
    run = SyncRun.objects.create(stream="zendesk.users", status=RunStatus.FAILED, error="401")
    SyncRun.objects.filter(pk=run.pk).update(finished_at=now)

    page = csm_client.get("/sync/")
    html = page.content.decode()
    assert 'aria-valuenow="25"' in html and "500 of 2,000 records" in html
    assert "check the credentials" in html
    assert 'hx-trigger="every 2s"' in html  # polls quickly while something runs

    partial = csm_client.get("/sync/", headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<div id="streams"') and "<html" not in partial


def test_a_run_whose_worker_died_says_so(csm_client):
    now = timezone.now()
    SyncState.objects.create(
        stream="zendesk.tickets", locked_until=now - timedelta(minutes=5), lock_token="x"
    )
    SyncRun.objects.create(stream="zendesk.tickets", fetched=3000)
    limited = SyncRun.objects.create(stream="zendesk.users", status=RunStatus.RATE_LIMITED)
    SyncRun.objects.filter(pk=limited.pk).update(finished_at=now, resume_at=now + timedelta(seconds=30))
    html = csm_client.get("/sync/").content.decode()
    assert "Not responding" in html and "Rate limited" in html
    assert (
        '<div class="value">1</div><div class="label">streams failing</div>' in html
    )  # not the rate-limited


def test_customer_text_in_errors_is_escaped(csm_client):
    SyncState.objects.create(stream="zendesk.tickets", last_error="<script>alert(1)</script>")
    html = csm_client.get("/sync/").content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html


HOSTILE = '<script>alert("x")</script>'
# A stream's last runs as integrations/sync.html wrote them before integrations.sync_html.
FORMER_RUN_ROWS = """{% load humanize %}{% for run in runs %}
                <tr>
                  <td class="nowrap">{{ run.started_at|when }}</td>
                  <td>{{ run.trigger|default:"—" }}{% if run.full %} (full){% endif %}{% if run.triggered_by %} by {{ run.triggered_by }}{% endif %}</td>
                  <td>{{ run.get_status_display }}</td>
                  <td class="num">{{ run.pages|intcomma }}</td>
                  <td class="num">{{ run.fetched|intcomma }}</td>
                  <td class="num">{{ run.created|intcomma }}</td>
                  <td class="num">{{ run.updated|intcomma }}</td>
                  <td class="num">{{ run.deleted|intcomma }}</td>
                  <td class="num">{% if run.seconds is not None %}{{ run.seconds|floatformat:1 }}{% else %}—{% endif %}</td>
                  <td class="small">{{ run.error|truncatechars:160 }}</td>
                </tr>
              {% endfor %}"""  # noqa: E501


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_run_rows_are_what_the_template_wrote(language):
    """Escaped errors and names, cut errors, counts grouped as the language groups them."""
    who = UserFactory(name=f"Ops {HOSTILE}")
    runs = [
        SyncRun.objects.create(
            stream=Stream.ZD_TICKETS, status=RunStatus.FAILED, trigger="manual", triggered_by=who, full=True,
            pages=3, fetched=1234567, created=1000, updated=0, deleted=999, error=f"{HOSTILE} " + "x" * 300,
        ),
        SyncRun.objects.create(stream=Stream.ZD_USERS, status=RunStatus.SUCCEEDED, trigger="", error=""),
    ]  # fmt: skip
    SyncRun.objects.filter(pk=runs[0].pk).update(finished_at=runs[0].started_at + timedelta(seconds=2.25))
    runs = list(
        SyncRun.objects.filter(pk__in=[r.pk for r in runs]).select_related("triggered_by").order_by("pk")
    )
    with translation.override(language):
        former = Template(FORMER_RUN_ROWS).render(Context({"runs": runs}))
        html = run_rows(runs)
    assert re.sub(r">\s+<", "><", html.strip()) == re.sub(r">\s+<", "><", former.strip())
    assert "&lt;script&gt;" in html and "<script>" not in html


# A group's streams as integrations/sync.html wrote them before integrations.sync_html.stream_rows.
FORMER_STREAM_ROWS = """{% load humanize sync_rows %}      {% for s in group.streams %}
        <tr id="stream-{{ s.stream|slugify }}" data-stream="{{ s.stream }}">
          <td>
            <strong>{{ s.label }}</strong>
            <div class="small muted mono">{{ s.stream }}</div>
          </td>
          <td class="status">
            {% if s.running %}
              {% if s.unresponsive %}
                <span class="badge bad">Not responding</span>
                <div class="small muted">The worker running it stopped; the next run carries on from its last saved page.</div>
              {% else %}
                <span class="badge info">Running</span>
                <div class="sync-progress" role="progressbar" aria-label="{{ s.label }} progress"
                     {% if s.percent is not None %}aria-valuemin="0" aria-valuemax="100" aria-valuenow="{{ s.percent }}"{% endif %}>
                  <div class="sync-progress-bar{% if s.percent is None %} indeterminate{% endif %}"{% if s.percent is not None %} data-percent="{{ s.percent }}"{% endif %}></div>
                </div>
                <div class="small muted">{{ s.running.fetched|intcomma }}{% if s.running.expected %} of {{ s.running.expected|intcomma }}{% endif %} records, {{ s.running.pages|intcomma }} page{{ s.running.pages|pluralize }}{% if s.rate %}, {{ s.rate|floatformat:0|intcomma }}/s{% endif %}{% if s.running.position_at %}; reached changes of {{ s.running.position_at|when }}{% endif %}</div>
                {% if s.estimate %}<div class="small sync-estimate">{{ s.estimate }}</div>{% endif %}
              {% endif %}
            {% elif s.queued %}
              <span class="badge info">Queued</span>
              <div class="small muted">asked {{ s.state.requested_at|naturaltime }}</div>
            {% elif not s.last_run %}
              <span class="badge warn">Never synced</span>
            {% elif s.last_run.status == "succeeded" %}
              <span class="badge ok">Succeeded</span>
              <div class="small muted">{{ s.last_run.finished_at|naturaltime }}{% if s.last_run.seconds is not None %}, in {{ s.last_run.seconds|floatformat:1 }} s{% endif %}</div>
            {% elif s.last_run.status == "rate_limited" %}
              <span class="badge warn">Rate limited</span>
              <div class="small muted">{% if s.last_run.resume_at %}resumes {{ s.last_run.resume_at|naturaltime }}{% else %}resumes shortly{% endif %}; progress is kept</div>
            {% else %}
              <span class="badge bad">{{ s.last_run.get_status_display }}</span>
              <div class="small muted">{{ s.last_run.finished_at|naturaltime }}</div>
            {% endif %}
          </td>
          <td class="nowrap">
            {% if s.lag is None %}<span class="badge warn">never</span>
            {% else %}
              <span{% if s.stale %} class="badge warn" title="Behind by more than three sync intervals"{% endif %}>{{ s.state.synced_through|naturaltime }}</span>
              {% if s.state.watermark %}<div class="small muted" title="The newest change the portal has from the source">newest change {{ s.state.watermark|when }}</div>{% endif %}
            {% endif %}
          </td>
          {% with run=s.running|default:s.last_run %}
          <td class="num">{{ run.fetched|intcomma|default:"—" }}</td>
          <td class="num">{{ run.created|intcomma|default:"—" }}</td>
          <td class="num">{{ run.updated|intcomma|default:"—" }}</td>
          <td class="num">{{ run.deleted|intcomma|default:"—" }}</td>
          {% endwith %}
          <td class="num">{{ s.mirrored|intcomma }}</td>
          {% if can_trigger %}
          <td>
            <form method="post" action="{% url 'integrations:sync_now' %}">
              {% csrf_token %}
              <input type="hidden" name="stream" value="{{ s.stream }}">
              <button class="btn secondary small" type="submit" aria-label="Sync {{ s.label }} now"{% if s.running and not s.unresponsive %} disabled{% endif %}>Sync now</button>
            </form>
          </td>
          {% endif %}
        </tr>
        {% if s.last_error and not s.running %}
        <tr class="sync-error"><td colspan="{% if can_trigger %}9{% else %}8{% endif %}">
          <span class="badge bad">Last error</span> <span class="small">{{ s.last_error|truncatechars:300 }}</span>
        </td></tr>
        {% endif %}
        {% if s.runs %}
        <tr class="sync-runs"><td colspan="{% if can_trigger %}9{% else %}8{% endif %}">
          <details>
            <summary class="small">Last {{ s.runs|length }} run{{ s.runs|length|pluralize }}</summary>
            <table class="runs">
              <thead><tr><th>Started</th><th>Trigger</th><th>Status</th><th class="num">Pages</th><th class="num">Fetched</th><th class="num">Created</th><th class="num">Updated</th><th class="num">Deleted</th><th class="num">Seconds</th><th>Error</th></tr></thead>
              <tbody>
              {% run_rows s.runs %}
              </tbody>
            </table>
          </details>
        </td></tr>
        {% endif %}
      {% endfor %}
"""  # noqa: E501


LONG_ERROR = f"{HOSTILE} {'y' * 400}"


def stream_cases() -> list:
    """A stream in every state the status and freshness cells tell apart, hostile text included."""
    from integrations.selectors import StreamStatus

    now = timezone.now()
    who = UserFactory(name=f"Ops {HOSTILE}")

    def run(stream, status=RunStatus.SUCCEEDED, ago=5, took=None, **fields):
        started = now - timedelta(minutes=ago)
        finished = None if took is None else started + timedelta(seconds=took)
        return SyncRun(stream=stream, status=status, started_at=started, finished_at=finished, **fields)

    def state(stream, **fields):
        return SyncState(stream=stream, **fields)

    fresh = {"synced_through": now - timedelta(minutes=2), "watermark": now - timedelta(minutes=3)}
    locked = {"locked_until": now + timedelta(minutes=1), "lock_token": "x"}
    running = RunStatus.RUNNING
    return [
        StreamStatus(  # running with a total: percent, rate, position and estimate
            stream="zendesk.tickets", label=f"Tickets {HOSTILE}", now=now, mirrored=1234567,
            state=state("zendesk.tickets", **fresh, **locked),
            runs=[
                run("zendesk.tickets", running, ago=2, fetched=1500, expected=200000, pages=2,
                    heartbeat_at=now - timedelta(seconds=30), position_at=now - timedelta(days=40),
                    trigger="manual", triggered_by=who, full=True),
                run("zendesk.tickets", took=2.25, fetched=10, created=1, updated=2, deleted=3),
            ],
        ),
        StreamStatus(  # running without a total, one page, nothing fetched yet
            stream="salesforce.accounts", label="Accounts", now=now,
            state=state("salesforce.accounts", **locked), runs=[run("salesforce.accounts", running, pages=1)],
        ),
        StreamStatus(  # its worker died
            stream="zendesk.users", label="Users", now=now,
            state=state("zendesk.users", locked_until=now - timedelta(minutes=5), last_error="lost"),
            runs=[run("zendesk.users", running, fetched=3000)],
        ),
        StreamStatus(  # asked for, the last run succeeded
            stream="zendesk.organizations", label="Orgs", now=now, mirrored=0,
            state=state("zendesk.organizations", requested_at=now - timedelta(seconds=40), **fresh),
            runs=[run("zendesk.organizations", took=0.4)],
        ),
        StreamStatus(stream="zendesk.comments", label="Comments", now=now, state=None),  # never
        StreamStatus(  # succeeded long ago (stale), unfinished time, the last error shown
            stream="salesforce.users", label="SF users", now=now,
            state=state("salesforce.users", synced_through=now - timedelta(days=2), last_error=LONG_ERROR),
            runs=[run("salesforce.users")],
        ),
        StreamStatus(  # rate limited, resuming at a time, then shortly
            stream="zendesk.ratings", label="Ratings", now=now, state=state("zendesk.ratings", **fresh),
            runs=[
                run("zendesk.ratings", RunStatus.RATE_LIMITED, took=1, resume_at=now + timedelta(seconds=30)),
                run("zendesk.ratings", RunStatus.RATE_LIMITED, took=1, ago=9),
            ],
        ),
        StreamStatus(
            stream="zendesk.schedules", label="Schedules", now=now, state=state("zendesk.schedules", **fresh),
            runs=[run("zendesk.schedules", RunStatus.RATE_LIMITED, took=1)],
        ),
        StreamStatus(  # failed, its error cut and escaped
            stream="zendesk.tickets@usgov", label="Tickets (US)", now=now,
            state=state("zendesk.tickets@usgov"),
            runs=[run("zendesk.tickets@usgov", RunStatus.FAILED, took=3, error=HOSTILE + "z" * 200)],
        ),
    ]  # fmt: skip


def without_indentation(html: str) -> str:
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("can_trigger", [True, False])
def test_the_stream_rows_are_what_the_template_wrote(language, can_trigger):
    """Every status, freshness and count cell, the error and run rows, the "sync now" form with
    the page's CSRF input: the HTML the template wrote, escaped."""
    from django.template.defaulttags import CsrfTokenNode

    from integrations.sync_html import stream_rows

    streams = stream_cases()
    context = {"group": {"streams": streams}, "can_trigger": can_trigger, "csrf_token": "token123"}
    with translation.override(language):
        former = Template(FORMER_STREAM_ROWS).render(Context(context))
        csrf_input = CsrfTokenNode().render(Context({"csrf_token": "token123"}))
        html = stream_rows(streams, can_trigger=can_trigger, csrf_input=csrf_input)
    assert without_indentation(html) == without_indentation(former)
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert ("token123" in html) == can_trigger
    for shown in (
        "Running", 'aria-valuenow="1"', "indeterminate", "0 records, 1 page<", "of about",
        "reached changes of", "Not responding", "Queued", "Never synced", "Succeeded", "Behind by more",
        "newest change", "resumes shortly", "Rate limited", "Last error", "Last 2 runs", "Last 1 run<",
    ):  # fmt: skip
        assert shown in html, shown
