"""What the integrations app does when other apps tell it something."""

from typing import Any

from .services import csm_relink_for_user


def on_email_changed(sender: Any, user: Any, **kwargs: Any) -> None:
    csm_relink_for_user(user=user)
