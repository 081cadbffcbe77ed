from typing import Any

from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "tickets"

    def ready(self) -> None:
        from accounts.checklist_models import StepAction
        from accounts.panels import AccountPanel, register_panel
        from accounts.step_actions import StepActionInfo, register_step_action
        from integrations.signals import page_synced

        from . import receivers
        from .panels import account_panel_context
        from .schedules import schedule_regions
        from .services import education_emails_sent

        schedule_regions()  # a malformed ZENDESK_SCHEDULE_REGIONS fails at start-up, naming the entry

        page_synced.connect(receivers.on_page_synced, dispatch_uid="tickets.page_synced")
        register_panel(
            AccountPanel(
                key="ticket_review",
                order=40,
                template="tickets/_account_panel.html",
                context=account_panel_context,
            )
        )
        register_step_action(
            StepActionInfo(
                action=StepAction.EDUCATION_EMAIL,
                label="Write the education email",
                url=_education_email_url,
                find=education_emails_sent,
            )
        )


def _education_email_url(account: Any) -> str:
    """The education email for the account, back to its checklist once sent."""
    from django.urls import reverse
    from django.utils.http import urlencode

    back = reverse("accounts:detail", args=[account.pk]) + "#onboarding"
    return reverse("tickets:education_email", args=[account.pk]) + "?" + urlencode({"next": back})
