"""factory_boy factories shared by every app's tests."""

import datetime as dt

import factory
from django.utils import timezone

from safeguarding.access.models import Agency, AgencyKind, Role, User
from safeguarding.people.models import Child
from safeguarding.people.services import name_row


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Agency {n}")
    kind = AgencyKind.SCHOOL


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role
        django_get_or_create = ("key",)

    key = factory.Sequence(lambda n: f"role-{n}")
    name = factory.LazyAttribute(lambda o: o.key.replace("-", " ").capitalize())


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    agency = factory.SubFactory(AgencyFactory)
    role = factory.SubFactory(RoleFactory)
    password = factory.django.Password("correct horse battery staple")


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child
        skip_postgeneration_save = True

    la_child_id = factory.Sequence(lambda n: f"T{n:07d}")
    date_of_birth = dt.date(2015, 6, 1)
    sex = "F"
    first_name = factory.Faker("first_name_female", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    display_name = factory.LazyAttribute(lambda o: f"{o.first_name} {o.last_name}")

    class Params:
        first_name = "Amelia"
        last_name = "Jones"

    @factory.post_generation
    def names(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            first, last = self.display_name.split(" ", 1)
            name_row(child=self, first_name=first, last_name=last).save()


def aware(*args: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))  # type: ignore[arg-type]
