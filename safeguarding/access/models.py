"""Agencies, teams, roles and practitioners, and the relationships that entitle access.

The rules that read these live in one place: `access/permissions.py`.
"""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone


class AgencyKind(models.TextChoices):
    LA_SOCIAL_CARE = "la_social_care", "Local authority children's social care"
    LA_EARLY_HELP = "la_early_help", "Local authority early help"
    SCHOOL = "school", "School or college"
    EARLY_YEARS = "early_years", "Early years"
    GP_PRACTICE = "gp_practice", "GP practice"
    HEALTH_VISITING = "health_visiting", "Health visiting"
    SCHOOL_NURSING = "school_nursing", "School nursing"
    HOSPITAL = "hospital", "Hospital or A&E"
    MIDWIFERY = "midwifery", "Midwifery"
    POLICE = "police", "Police"
    PROBATION = "probation", "Probation"
    HOUSING = "housing", "Housing"
    YOUTH_JUSTICE = "youth_justice", "Youth justice"
    VOLUNTARY = "voluntary", "Voluntary or community organisation"


class Agency(models.Model):
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=32, choices=AgencyKind.choices)
    # A school's URN, a GP practice's ODS code, a force code: whatever the agency is known by.
    code = models.CharField(max_length=32, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    secure_email = models.EmailField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="team_unique_per_agency")]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency})"


class Role(models.Model):
    """What a practitioner does, and what that entitles them to. Reference data (admin)."""

    key = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100)
    # Front door and social care: every child in the local authority, the whole chronology.
    covers_whole_la = models.BooleanField(default=False)
    # Data protection officers and managers: the audit of who looked.
    may_view_audit = models.BooleanField(default=False)
    may_break_glass = models.BooleanField(default=True)
    is_social_worker = models.BooleanField(default=False)
    # The front door (MASH): decides on contacts and referrals.
    may_decide_referrals = models.BooleanField(default=False)
    # Team managers and practice supervisors: the team's timeliness; authorise assessments.
    is_manager = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A practitioner. Belongs to one agency (staff of two agencies have two accounts)."""

    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="practitioners")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="members")
    role = models.ForeignKey(Role, null=True, blank=True, on_delete=models.PROTECT, related_name="practitioners")
    job_title = models.CharField(max_length=120, blank=True)
    phone = models.CharField(max_length=40, blank=True)

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def covers_whole_la(self) -> bool:
        return bool(self.role and self.role.covers_whole_la)

    @property
    def may_view_audit(self) -> bool:
        return bool(self.role and self.role.may_view_audit)


class InvolvementBasis(models.TextChoices):
    RECORDED = "recorded", "Has recorded about the child"
    ROLL = "roll", "On the school or setting roll"
    REGISTERED = "registered", "Registered with the practice"
    CASELOAD = "caseload", "On the agency's caseload"


class ChildInvolvement(models.Model):
    """An agency's legitimate relationship with a child."""

    child = models.ForeignKey("people.Child", on_delete=models.CASCADE, related_name="involvements")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="involvements")
    basis = models.CharField(max_length=16, choices=InvolvementBasis.choices)
    started_on = models.DateField(default=timezone.localdate)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["child", "agency", "basis"], name="involvement_unique"),
        ]
        indexes = [models.Index(fields=["agency", "child"])]


class ChildTeamMembership(models.Model):
    """A practitioner in the child's team (later: core group, team around the family)."""

    child = models.ForeignKey("people.Child", on_delete=models.CASCADE, related_name="team_memberships")
    practitioner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="child_teams")
    capacity = models.CharField(max_length=100, help_text="For example: lead practitioner, core group member")
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["practitioner", "child"])]


class BreakGlassAccess(models.Model):
    """Emergency access without a relationship: time-limited, reasoned, reported."""

    practitioner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass")
    child = models.ForeignKey("people.Child", on_delete=models.CASCADE, related_name="break_glass")
    reason = models.TextField()
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["practitioner", "child", "expires_at"])]
        ordering = ["-granted_at"]
