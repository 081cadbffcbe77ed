from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "tickets"

    def ready(self) -> None:
        from accounts.panels import AccountPanel, register_panel
        from integrations.signals import page_synced

        from . import receivers
        from .panels import account_panel_context
        from .schedules import schedule_regions

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
