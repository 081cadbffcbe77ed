"""Celery wiring: queues, routes and the beat schedule."""

from django.conf import settings

from csmportal.celery import app
from integrations.models import Stream


def route_of(task_name: str) -> str:
    return app.amqp.router.route({}, task_name)["queue"].name


def test_it_keeps_new_ticket_work_out_of_the_syncs_queue():
    for task in (
        "integrations.fetch_ticket",
        "notifications.process_new_tickets",
        "notifications.send_email",
        "integrations.sync.zendesk.tickets",  # the poll: the safety net of a missed webhook
    ):
        assert route_of(task) == "urgent", task
    assert route_of("integrations.sync.zendesk.comments") == "celery"
    assert route_of("tickets.review_tickets") == "celery"
    assert route_of("notifications.send_digests") == "celery"


def test_it_lets_a_worker_started_without_queues_consume_both():
    assert set(app.amqp.queues) == {"celery", "urgent"}


def test_it_schedules_every_stream_with_beat():
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {f"integrations.sync.{stream}" for stream in Stream.values} <= scheduled
    fast = {
        name: e["schedule"] for name, e in settings.CELERY_BEAT_SCHEDULE.items() if "zendesk.tickets" in name
    }
    assert list(fast.values()) == [settings.SYNC_FAST_INTERVAL]


def test_it_only_schedules_tasks_that_exist():
    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]
