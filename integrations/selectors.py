"""Reads for the sync page."""

from dataclasses import dataclass

from .models import Stream, SyncRun, SyncState


@dataclass
class StreamStatus:
    stream: str
    label: str
    state: SyncState | None
    last_run: SyncRun | None


def stream_statuses() -> list[StreamStatus]:
    states = {s.stream: s for s in SyncState.objects.all()}
    last_runs: dict[str, SyncRun] = {}
    for stream in Stream.values:
        run = SyncRun.objects.filter(stream=stream).order_by("-started_at").first()
        if run:
            last_runs[stream] = run
    return [
        StreamStatus(stream=value, label=label, state=states.get(value), last_run=last_runs.get(value))
        for value, label in Stream.choices
    ]
