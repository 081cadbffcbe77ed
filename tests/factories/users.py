import factory
from django.contrib.auth.models import Group

from tests.two_factor import give_totp_if_admin
from users.models import User


class UserFactory(factory.django.DjangoModelFactory):
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
