"""factory_boy factories, one module per app."""

from .accounts import AccountFactory, OrganizationFactory
from .contacts import ContactFactory, SupportUserFactory
from .feedback import FeedbackFactory, RatingFactory
from .supportops import OpsRequestFactory
from .tickets import CaseFactory, CommentFactory, TicketFactory
from .users import UserFactory

__all__ = [
    "AccountFactory",
    "CaseFactory",
    "CommentFactory",
    "ContactFactory",
    "FeedbackFactory",
    "OpsRequestFactory",
    "OrganizationFactory",
    "RatingFactory",
    "SupportUserFactory",
    "TicketFactory",
    "UserFactory",
]
