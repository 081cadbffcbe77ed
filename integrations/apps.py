from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"

    def ready(self) -> None:
        from users.signals import email_changed

        from . import receivers

        email_changed.connect(receivers.on_email_changed, dispatch_uid="integrations.email_changed")
