"""The child index: children, their names, addresses, school and family."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from safeguarding.people.codes import Ethnicity, Sex


class Child(models.Model):
    la_child_id = models.CharField("LA child ID", max_length=20, unique=True)
    nhs_number = models.CharField("NHS number", max_length=10, null=True, blank=True, unique=True)
    upn = models.CharField("UPN", max_length=13, null=True, blank=True, unique=True)
    former_upn = models.CharField("former UPN", max_length=13, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    expected_date_of_birth = models.DateField(null=True, blank=True, help_text="For an unborn child")
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices, default=Ethnicity.NOBT)
    disabilities = models.JSONField(default=list, blank=True, help_text="CIN census disability codes")
    date_of_death = models.DateField(null=True, blank=True)
    # Denormalised from the current legal name and address so that search results and lists
    # need no extra queries; written only by people/services.py.
    display_name = models.CharField(max_length=200, blank=True)
    current_postcode = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Set by linkage.services.child_merge when this record was found to be the same child as
    # another; cleared by an unmerge. A merged record is kept, but found and shown only as a
    # pointer to the survivor.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_records"
    )

    class Meta:
        verbose_name_plural = "children"
        indexes = [
            models.Index(fields=["date_of_birth"]),
            models.Index(fields=["current_postcode"]),
        ]

    def __str__(self) -> str:
        return self.display_name or self.la_child_id

    @property
    def is_unborn(self) -> bool:
        return self.date_of_birth is None and self.expected_date_of_birth is not None


class NameKind(models.TextChoices):
    LEGAL = "legal", "Legal name"
    PREFERRED = "preferred", "Known as"
    ALIAS = "alias", "Alias"
    FORMER = "former", "Former name"


class ChildName(models.Model):
    """Every name a child is or was known by, with the keys that fuzzy search uses."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="names")
    kind = models.CharField(max_length=10, choices=NameKind.choices, default=NameKind.LEGAL)
    first_name = models.CharField(max_length=100)
    middle_names = models.CharField(max_length=200, blank=True)
    last_name = models.CharField(max_length=100)
    used_from = models.DateField(null=True, blank=True)
    used_to = models.DateField(null=True, blank=True)
    # Search keys (people/matching.py): normalised spelling and phonetic code.
    first_key = models.CharField(max_length=100, db_index=True)
    last_key = models.CharField(max_length=100, db_index=True)
    first_sound = models.CharField(max_length=20, db_index=True)
    last_sound = models.CharField(max_length=20, db_index=True)

    class Meta:
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Address(models.Model):
    line1 = models.CharField(max_length=200)
    line2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100)
    postcode = models.CharField(max_length=10)
    uprn = models.CharField("UPRN", max_length=12, blank=True)

    class Meta:
        verbose_name_plural = "addresses"
        indexes = [models.Index(fields=["postcode"])]

    def __str__(self) -> str:
        return ", ".join(p for p in (self.line1, self.line2, self.town, self.postcode) if p)


class ChildAddress(models.Model):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="addresses")
    address = models.ForeignKey(Address, on_delete=models.PROTECT, related_name="residents")
    moved_in = models.DateField(null=True, blank=True)
    moved_out = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-moved_in"]


class SchoolEnrolment(models.Model):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="enrolments")
    school = models.ForeignKey("access.Agency", on_delete=models.PROTECT, related_name="enrolments")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-started_on"]


class Person(models.Model):
    """An adult in the child's life (parent, carer, partner of a parent)."""

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    phone = models.CharField(max_length=40, blank=True)

    class Meta:
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class RelationshipType(models.TextChoices):
    MOTHER = "mother", "Mother"
    FATHER = "father", "Father"
    STEP_PARENT = "step_parent", "Step-parent"
    PARENTS_PARTNER = "parents_partner", "Partner of parent"
    GRANDPARENT = "grandparent", "Grandparent"
    CARER = "carer", "Carer"
    SIBLING = "sibling", "Sibling"
    HALF_SIBLING = "half_sibling", "Half-sibling"
    OTHER_RELATIVE = "other_relative", "Other relative"
    HOUSEHOLD_MEMBER = "household_member", "Other household member"


class Relationship(models.Model):
    """How someone is related to the child, and whether they live in the same household."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="relationships")
    relationship = models.CharField(max_length=20, choices=RelationshipType.choices)
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="relationships")
    related_child = models.ForeignKey(Child, null=True, blank=True, on_delete=models.CASCADE, related_name="related_as")
    lives_with_child = models.BooleanField(default=True)
    parental_responsibility = models.BooleanField(default=False)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False, related_child__isnull=True)
                | models.Q(person__isnull=True, related_child__isnull=False),
                name="relationship_one_party",
            )
        ]


class ChildStatus(models.TextChoices):
    EARLY_HELP = "early_help", "Early help"
    CHILD_IN_NEED = "child_in_need", "Child in need"
    CHILD_PROTECTION_PLAN = "cp_plan", "Child protection plan"
    LOOKED_AFTER = "looked_after", "Looked after"
    UNBORN_PLAN = "unborn_plan", "Unborn child protection plan"


class StatusPeriod(models.Model):
    """A period in which the child held a status. Written by the pathway (frontdoor,
    protection, earlyhelp); read by access (what other agencies may see) and signals."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="status_periods")
    status = models.CharField(max_length=20, choices=ChildStatus.choices)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    category = models.CharField(max_length=4, blank=True, help_text="CP plan category: NEG, PHY, EMO, SAB, MUL")

    class Meta:
        ordering = ["-started_on"]
        indexes = [models.Index(fields=["child", "status", "ended_on"])]
