"""Actions elsewhere in the portal that satisfy a manual onboarding step.

A step with an `action` (`StepAction`) links to the page where that action is taken, and is
completed with the action as evidence: at once when the action happens (the app that owns it
calls `accounts.services.checklists.checklist_action_done`), and when a checklist starts or
someone clicks "Check again now" for an action taken before (`checklist_actions_recheck`).

An automatic check still to do may link to the action that fixes its data too (registered as
"check:<check key>", e.g. a wrong collaboration project ID -> New request); the sync, not the
action, completes that step.

The app that owns an action registers it in its AppConfig.ready(), so this app does not know
the other apps:

    register_step_action(StepActionInfo(action=StepAction.NOTES_REQUEST, label="Request static notes",
                                        url=lambda account: ..., find=latest_notes_requests))
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .models import Account


@dataclass(frozen=True)
class Evidence:
    """What satisfied a step: a sentence, the portal page that shows it, the email if one."""

    text: str
    url: str = ""
    email_id: int | None = None
    by_id: int | None = None  # who took the action (None: the portal)


@dataclass(frozen=True)
class StepActionInfo:
    action: str
    label: str  # the step's link, e.g. "Write the education email"
    url: Callable[[Account], str]  # where the action is taken, for this account
    find: Callable[[list[int]], dict[int, Evidence]]  # accounts -> the action already taken


_actions: dict[str, StepActionInfo] = {}


def register_step_action(info: StepActionInfo) -> None:
    _actions[info.action] = info


def step_action(action: str) -> StepActionInfo | None:
    return _actions.get(action) if action else None


def step_action_key(step: Any) -> str:
    """The registered action a step links to: its own action, or for an automatic check still
    to do the action that fixes its data (registered as "check:<check key>")."""
    if step.action:
        return str(step.action)
    if step.kind == "automatic" and step.status == "pending" and step.check_key:
        return f"check:{step.check_key}"
    return ""


def action_link(action: str, account: Account) -> tuple[str, str] | None:
    """(label, url) of the page where the step's action is taken, or None."""
    info = step_action(action)
    return (info.label, info.url(account)) if info else None
