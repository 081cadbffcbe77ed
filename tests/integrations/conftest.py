"""Fixtures of the sync tests: the portal pointed at a running sandbox."""

from collections.abc import Callable

import pytest

from integrations.runner import run_stream
from integrations.streams import ORDER


@pytest.fixture
def point_at(settings) -> Callable:
    """``point_at(sandbox)``: the portal's settings now name that sandbox."""

    def apply(handle) -> None:
        for name, value in handle.settings().items():
            setattr(settings, name, value)
        settings.ZENDESK_RATE_LIMIT = ""

    return apply


@pytest.fixture
def synced(sandbox, point_at):
    """The default test sandbox, with the portal pointed at it."""
    point_at(sandbox)
    return sandbox


def sync_all(*, full: bool = False, may_wait: bool = True) -> dict:
    """Run every stream in dependency order; returns {stream: SyncRun}."""
    return {spec.name: run_stream(spec.name, full=full, may_wait=may_wait) for spec in ORDER}
