from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "feedback"

    def ready(self) -> None:
        from accounts.panels import AccountPanel, register_panel
        from integrations.signals import page_synced

        from . import panels, receivers

        register_panel(
            AccountPanel(
                key="feedback",
                order=40,
                template="feedback/_account_panel.html",
                context=panels.account_panel_context,
            )
        )
        page_synced.connect(receivers.link_synced_tickets, dispatch_uid="feedback.link_synced_tickets")
