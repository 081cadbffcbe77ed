"""Best-practice review of support tickets: deterministic, explainable checks from the handbook.

Pure Python (no database): `review(TicketText(...))` returns a score and one result per check,
each with the quotes or attachment names that decided it. `tickets.services` feeds it tickets.
"""

from .base import Attachment, Message, Result, TicketText
from .checks import CHECKS, Check, Outcome
from .engine import Review, review
from .secrets import find_secrets, mask

__all__ = [
    "CHECKS",
    "Attachment",
    "Check",
    "Message",
    "Outcome",
    "Result",
    "Review",
    "TicketText",
    "find_secrets",
    "mask",
    "review",
]
