"""Object-level rules for accounts.

- Reading: every role may read every account (its page, checklist, contacts, trail).
- Onboarding (start a checklist, complete / undo / skip / assign / add / remove / move steps,
  send the step's email, re-check now): admins; the account's CSM; and any CSM while the account
  has no CSM, so onboarding is never blocked on an unassigned account.
- A step's owner (a CSM covering for a colleague) may also complete, undo, skip and email that
  one step, but not change the rest of the checklist.
- Confirming that a Zendesk organization belongs to the account (so its people may get the
  account's emails): the account's CSM and admins only.
- Everyone else (other CSMs, support managers, support ops) reads only.
"""

from typing import Any

from users.roles import Role, has_role, is_admin

from .checklist_models import ChecklistStep
from .models import Account


def can_manage_onboarding(user: Any, account: Account) -> bool:
    if is_admin(user):
        return True
    if not has_role(user, Role.CSM):
        return False
    return account.csm_id is None or account.csm_id == user.pk


def can_work_step(user: Any, step: ChecklistStep, account: Account) -> bool:
    if can_manage_onboarding(user, account):
        return True
    return step.owner_id is not None and step.owner_id == user.pk and has_role(user, Role.CSM)


def can_confirm_organization_link(user: Any, account: Account) -> bool:
    if is_admin(user):
        return True
    return has_role(user, Role.CSM) and account.csm_id is not None and account.csm_id == user.pk
