"""Run every check on a ticket and score it: positive checks add up to 100, negative ones
take their points away; the score is never below 0."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .base import Result, TicketText
from .checks import CHECKS
from .conversation import (
    check_call_request,
    check_documents,
    check_follow_up,
    check_logs,
    check_region,
    check_sensitive,
)
from .submission import check_changes, check_current, check_detail, check_expected, check_steps, check_summary

RULES: tuple[Callable[[TicketText], Result], ...] = (
    check_detail,
    check_summary,
    check_steps,
    check_current,
    check_expected,
    check_changes,
    check_logs,
    check_documents,
    check_sensitive,
    check_region,
    check_call_request,
    check_follow_up,
)


@dataclass(frozen=True)
class Review:
    score: int
    results: tuple[Result, ...]

    @property
    def gaps(self) -> list[str]:
        return [r.code for r in self.results if r.is_gap]

    def as_json(self) -> list[dict]:
        return [r.as_dict() for r in self.results]


def review(ticket: TicketText) -> Review:
    results = tuple(rule(ticket) for rule in RULES)
    earned = sum(r.points for r in results if not CHECKS[r.code].negative)
    lost = sum(r.points for r in results if CHECKS[r.code].negative)
    return Review(score=max(0, min(100, earned - lost)), results=results)
