from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from accounts.panels import AccountPanel, register_panel
        from integrations.signals import page_synced, stream_synced

        from . import receivers, sources
        from .panels import account_panel_context, demo_panel_context

        page_synced.connect(receivers.on_page_synced, dispatch_uid="notifications.page_synced")
        stream_synced.connect(receivers.on_stream_synced, dispatch_uid="notifications.stream_synced")
        # Events addressed to a person, in their bell (sources.py says who).
        for model, receiver in (
            ("supportops.RequestEvent", sources.on_request_event),
            ("feedback.FeedbackEvent", sources.on_feedback_event),
            ("accounts.AccountEvent", sources.on_account_event),
        ):
            post_save.connect(receiver, sender=model, dispatch_uid=f"notifications.bell.{model}")
        register_panel(
            AccountPanel(
                key="demo_ticket",
                order=5,
                template="notifications/_demo_panel.html",
                context=demo_panel_context,
            )
        )
        register_panel(
            AccountPanel(
                key="notifications",
                order=90,
                template="notifications/_account_panel.html",
                context=account_panel_context,
            )
        )
