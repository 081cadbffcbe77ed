from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "users"
    verbose_name = "Portal users"

    def ready(self) -> None:
        from . import (
            receivers,  # noqa: F401 (connects allauth's signals)
            two_factor,  # noqa: F401 (connects the admins' session cap to login)
        )
