from django.apps import AppConfig


class SandboxAppConfig(AppConfig):
    name = "sandbox"
    verbose_name = "Zendesk and Salesforce sandbox"
    default_auto_field = "django.db.models.BigAutoField"
