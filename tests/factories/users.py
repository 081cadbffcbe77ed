import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from tests.two_factor import give_totp_if_admin
from users.models import User


class UserFactory(factory.django.DjangoModelFactory):
    """A user who has used the portal: their own address is verified (pass
    ``email_verified=False`` for one who has not proven it, e.g. a pending invitation)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", "test-password-123")

    @factory.post_generation
    def roles(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create and extracted:
            self.groups.add(*(Group.objects.get_or_create(name=name)[0] for name in extracted))
        if create:
            self.save()
            give_totp_if_admin(self)  # admins must have two-factor (users.two_factor)

    @factory.post_generation
    def email_verified(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email.lower(), primary=True, verified=True)
