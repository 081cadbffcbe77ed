from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"

    def ready(self) -> None:
        from users.signals import email_verified

        from . import receivers

        email_verified.connect(receivers.on_email_verified, dispatch_uid="integrations.email_verified")
