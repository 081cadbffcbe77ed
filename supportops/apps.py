from django.apps import AppConfig


class SupportopsConfig(AppConfig):
    name = "supportops"
    verbose_name = "Support-ops requests"

    def ready(self) -> None:
        from accounts.panels import AccountPanel, register_panel

        from . import receivers  # noqa: F401 (connects the sync receivers)
        from .panels import account_panel_context

        register_panel(
            AccountPanel(
                key="supportops",
                order=50,
                template="supportops/_account_panel.html",
                context=account_panel_context,
            )
        )
