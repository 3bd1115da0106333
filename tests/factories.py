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
    def names(obj: Child, create: bool, extracted: object, **kwargs: object) -> None:  # noqa: N805
        # factory_boy passes the built model, not the factory, as the first argument.
        if create:
            first, last = obj.display_name.split(" ", 1)
            name_row(child=obj, first_name=first, last_name=last).save()


def aware(*args: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))  # type: ignore[arg-type]


# --- The pathway: rows made directly, for tests of the steps that follow them ------------------


class ContactFactory(factory.django.DjangoModelFactory):
    """A contact received from a school DSL. Use the services to test contacts themselves."""

    class Meta:
        model = "frontdoor.Contact"

    child = factory.SubFactory(ChildFactory)
    received_at = factory.LazyFunction(timezone.now)
    referrer = factory.SubFactory(UserFactory)
    referrer_agency = factory.LazyAttribute(lambda o: o.referrer.agency if o.referrer else None)
    referrer_name = factory.LazyAttribute(lambda o: o.referrer.display_name if o.referrer else "A neighbour")
    source = "2A"
    concern = "Bruising seen on the child's arm; the child said their stepfather grabbed them."
    categories = factory.LazyFunction(lambda: ["physical_abuse"])
    action_taken = "Spoke to the child; informed the DSL."
    family_aware = True
    consent = "given"
    recorded_by = factory.LazyAttribute(lambda o: o.referrer or UserFactory())


class ContactDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "frontdoor.ContactDecision"

    contact = factory.SubFactory(ContactFactory)
    decision = "assessment"
    reason = "Needs a child and family assessment."
    decided_by = factory.SubFactory(UserFactory)
    decided_at = factory.LazyAttribute(lambda o: o.contact.received_at)


class ReferralFactory(factory.django.DjangoModelFactory):
    """A referral accepted by social care, with its contact and decision."""

    class Meta:
        model = "frontdoor.Referral"
        skip_postgeneration_save = True

    contact = factory.SubFactory(ContactFactory)
    child = factory.LazyAttribute(lambda o: o.contact.child)
    referral_date = factory.LazyAttribute(lambda o: timezone.localdate(o.contact.received_at))
    source = factory.LazyAttribute(lambda o: o.contact.source)
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def decision(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create and not hasattr(self.contact, "decision"):
            ContactDecisionFactory(contact=self.contact, decision=extracted or "assessment", decided_by=self.created_by)


# --- Identity linkage ------------------------------------------------------------------------------


class LinkageModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "linkage.LinkageModel"

    # Well above the versions a training run starts from, so the two never collide.
    version = factory.Sequence(lambda n: 1000 + n)
    splink_settings = factory.LazyFunction(dict)
    trained_on_records = 1000
    auto_link_weight = 12.0
    review_weight = 4.0
    is_active = False


class SourceRecordFactory(factory.django.DjangoModelFactory):
    """One agency's record of a child, linked by an exact identifier."""

    class Meta:
        model = "linkage.SourceRecord"

    agency = factory.SubFactory(AgencyFactory)
    source = "school_roll"
    source_key = factory.Sequence(lambda n: f"KEY{n:06d}")
    first_name = "Amelia"
    last_name = "Jones"
    date_of_birth = dt.date(2015, 6, 1)
    sex = "F"
    child = factory.SubFactory(ChildFactory)
    link_method = "identifier"


class ReviewPairFactory(factory.django.DjangoModelFactory):
    """Two children waiting for clerical review (put in the order the table requires)."""

    class Meta:
        model = "linkage.ReviewPair"

    child_a = factory.SubFactory(ChildFactory)
    child_b = factory.SubFactory(ChildFactory)
    match_weight = 8.0
    match_probability = factory.LazyAttribute(lambda o: 1.0 / (1.0 + 2.0 ** (-o.match_weight)))
    comparison = factory.LazyFunction(
        lambda: [
            {"comparison": "First name", "level": "Nickname or variant", "weight": 3.1},
            {"comparison": "Date of birth", "level": "Day and month transposed", "weight": 2.4},
            {"comparison": "Sex", "level": "Different", "weight": -1.5},
        ]
    )
    model = factory.SubFactory(LinkageModelFactory)
    found_by = "test"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):  # type: ignore[no-untyped-def]
        if kwargs["child_a"].pk > kwargs["child_b"].pk:
            kwargs["child_a"], kwargs["child_b"] = kwargs["child_b"], kwargs["child_a"]
        return super()._create(model_class, *args, **kwargs)
