"""What the checks read (a ticket's text, without any database) and what they return."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .checks import CHECKS, Outcome
from .secrets import mask

# The content checks read at most this many characters of the first submission (after masking
# the whole of it), and of each message. Every check runs in linear time, so this is not what
# keeps a review fast; it keeps its time per ticket bounded, whatever a customer pastes.
REVIEW_LIMIT = 64 * 1024
TOO_LONG = "Text too long to review in full"


@dataclass(frozen=True)
class Attachment:
    file_name: str
    content_type: str = ""

    @property
    def extension(self) -> str:
        name = self.file_name.lower()
        for double in (".tar.gz", ".tar.bz2", ".tar.xz"):
            if name.endswith(double):
                return double[1:]
        return name.rsplit(".", 1)[-1] if "." in name else ""


@dataclass(frozen=True)
class Message:
    """A comment after the first submission."""

    body: str
    public: bool = True
    by_agent: bool = False  # written by support (a Zendesk agent), not by the customer
    created_at: dt.datetime | None = None
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class TicketText:
    """Everything the checks look at. The first submission is the subject, the description and
    the attachments of the first comment; `messages` are the later comments, oldest first."""

    subject: str = ""
    description: str = ""
    priority: str = ""
    preferred_region: str = ""
    first_attachments: tuple[Attachment, ...] = ()
    messages: tuple[Message, ...] = ()

    @cached_property
    def _first_masked(self) -> str:
        return mask(self.description or "")

    @cached_property
    def first(self) -> str:
        """The first submission with secrets masked: what the content checks read and quote
        (its first REVIEW_LIMIT characters: masked in full first, so no secret is cut in two)."""
        return self._first_masked[:REVIEW_LIMIT]

    @property
    def first_cut(self) -> bool:
        """The first submission is longer than the content checks read."""
        return len(self._first_masked) > REVIEW_LIMIT

    @cached_property
    def first_with_subject(self) -> str:
        return f"{mask(self.subject or '')[:REVIEW_LIMIT]}\n{self.first}"


@dataclass
class Result:
    code: str
    outcome: str
    points: int  # earned (positive check) or taken away (negative check)
    message: str
    evidence: list[dict[str, str]] = field(default_factory=list)
    note: str = ""  # extra information, e.g. what a chosen region does to the SLA
    prompt: str = ""  # a message the CSM can send the customer (e.g. "rotate it")

    @property
    def is_gap(self) -> bool:
        return self.outcome in (Outcome.PARTIAL, Outcome.MISSING, Outcome.FLAGGED)

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "code": self.code,
            "outcome": self.outcome,
            "points": self.points,
            "message": self.message,
            "evidence": self.evidence,
        }
        if self.note:
            data["note"] = self.note
        if self.prompt:
            data["prompt"] = self.prompt
        return data


def positive(code: str, earned: int, message: str, evidence: list[dict[str, str]] | None = None) -> Result:
    full = CHECKS[code].points
    earned = max(0, min(full, earned))
    outcome = Outcome.PASS if earned == full else (Outcome.PARTIAL if earned else Outcome.MISSING)
    return Result(code, outcome, earned, message, evidence or [])


def negative(code: str, found: bool, message: str, evidence: list[dict[str, str]] | None = None) -> Result:
    points = CHECKS[code].points if found else 0
    return Result(code, Outcome.FLAGGED if found else Outcome.CLEAR, points, message, evidence or [])
