from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Customer accounts"

    def ready(self) -> None:
        from csmportal import versions

        from . import receivers  # noqa: F401 (connects the sync receivers)

        versions.connect()  # the accounts' versions: bumped by the sync and the portal's writes
