from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "New-ticket notifications"

    def ready(self) -> None:
        from accounts.panels import AccountPanel, register_panel
        from integrations.signals import page_synced, stream_synced

        from . import receivers
        from .panels import account_panel_context

        page_synced.connect(receivers.on_page_synced, dispatch_uid="notifications.page_synced")
        stream_synced.connect(receivers.on_stream_synced, dispatch_uid="notifications.stream_synced")
        register_panel(
            AccountPanel(
                key="notifications",
                order=90,
                template="notifications/_account_panel.html",
                context=account_panel_context,
            )
        )
