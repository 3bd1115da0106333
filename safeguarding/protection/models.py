"""Strategy discussions, section 47 enquiries, child protection conferences and plans.

The chain is enforced by the rows themselves: a Section47Enquiry belongs to the
StrategyDiscussion that started it; an initial Conference to the Section47Enquiry behind
it; a ProtectionPlan to the initial Conference that made it; review conferences, core
group meetings and visits to the plan; a PlanEnd ends it. The ICPC clock (15 working days)
runs from the strategy discussion's date (CIN census InitialCPCtarget).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Discipline(models.TextChoices):
    """Which part of the partnership an attendee speaks for."""

    SOCIAL_CARE = "social_care", "Children's social care"
    HEALTH = "health", "Health"
    POLICE = "police", "Police"
    EDUCATION = "education", "School or education"
    EARLY_YEARS = "early_years", "Early years"
    EARLY_HELP = "early_help", "Early help"
    PROBATION = "probation", "Probation"
    HOUSING = "housing", "Housing"
    FAMILY = "family", "Parent, carer or family member"
    OTHER = "other", "Other"


# Working Together 2023: a strategy discussion includes at least the local authority's
# social care, health and the police.
REQUIRED_DISCIPLINES = (Discipline.SOCIAL_CARE, Discipline.HEALTH, Discipline.POLICE)


class StrategyOutcome(models.TextChoices):
    SECTION47 = "section47", "Start a section 47 enquiry"
    ASSESSMENT = "assessment", "No section 47: child and family assessment (section 17)"
    NO_FURTHER_ACTION = "nfa", "No further action"


class StrategyDiscussion(models.Model):
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="strategy_discussions")
    referral = models.ForeignKey("frontdoor.Referral", on_delete=models.PROTECT, related_name="strategy_discussions")
    held_on = models.DateField()
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(help_text="Why there is reasonable cause to suspect significant harm")
    decisions = models.TextField()
    # Required when social care, health or police did not take part.
    missing_agencies_reason = models.TextField(blank=True)
    outcome = models.CharField(max_length=12, choices=StrategyOutcome.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["held_on"])]


class StrategyAttendee(models.Model):
    discussion = models.ForeignKey(StrategyDiscussion, on_delete=models.CASCADE, related_name="attendees")
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(max_length=200)
    agency = models.ForeignKey("access.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    discipline = models.CharField(max_length=16, choices=Discipline.choices)

    class Meta:
        ordering = ["id"]


class Section47Enquiry(models.Model):
    """Started by a strategy discussion; led by a social worker (enforced by the service)."""

    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="section47_enquiries")
    strategy_discussion = models.OneToOneField(StrategyDiscussion, on_delete=models.PROTECT, related_name="section47")
    lead_social_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="section47_enquiries_led"
    )
    started_on = models.DateField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name_plural = "section 47 enquiries"


class Section47Outcome(models.TextChoices):
    NO_FURTHER_ACTION = "nfa", "No further action"
    CIN_PLAN = "cin_plan", "Child in need plan"
    INITIAL_CONFERENCE = "initial_conference", "Initial child protection conference"


class Section47Completion(models.Model):
    enquiry = models.OneToOneField(Section47Enquiry, on_delete=models.PROTECT, related_name="completion")
    completed_on = models.DateField()
    findings = models.TextField()
    outcome = models.CharField(max_length=20, choices=Section47Outcome.choices)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)


class Category(models.TextChoices):
    """CIN census category of abuse for a child protection plan."""

    NEG = "NEG", "Neglect"
    PHY = "PHY", "Physical abuse"
    EMO = "EMO", "Emotional abuse"
    SAB = "SAB", "Sexual abuse"
    MUL = "MUL", "Multiple"


class ConferenceKind(models.TextChoices):
    INITIAL = "initial", "Initial child protection conference"
    REVIEW = "review", "Child protection review conference"


class ConferenceDecision(models.TextChoices):
    PLAN = "plan", "Child protection plan"
    CIN_PLAN = "cin_plan", "No plan: child in need plan"
    NO_FURTHER_ACTION = "nfa", "No plan: no further action"
    CONTINUE = "continue", "The plan continues"
    END = "end", "End the plan: no longer at risk of significant harm"


class Conference(models.Model):
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="conferences")
    kind = models.CharField(max_length=8, choices=ConferenceKind.choices)
    # An initial conference has a section 47 enquiry behind it; a review has a plan.
    section47 = models.OneToOneField(
        Section47Enquiry, null=True, blank=True, on_delete=models.PROTECT, related_name="initial_conference"
    )
    plan = models.ForeignKey(
        "protection.ProtectionPlan", null=True, blank=True, on_delete=models.PROTECT, related_name="reviews"
    )
    held_on = models.DateField()
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    childs_views = models.TextField(help_text="The child's wishes and feelings, and how they were gathered")
    summary = models.TextField()
    decision = models.CharField(max_length=10, choices=ConferenceDecision.choices)
    category = models.CharField(max_length=3, choices=Category.choices, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["held_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="initial", section47__isnull=False, plan__isnull=True)
                | models.Q(kind="review", section47__isnull=True, plan__isnull=False),
                name="conference_initial_or_review",
            )
        ]


class ConferenceInvitee(models.Model):
    """Everyone invited to a conference: who came and whose report was received.

    Invitees who are practitioners on the platform join the child's team for as long as the
    plan lasts (team_membership)."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="invitees")
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(max_length=200)
    agency = models.ForeignKey("access.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    discipline = models.CharField(max_length=16, choices=Discipline.choices)
    attended = models.BooleanField(default=True)
    report_provided = models.BooleanField(default=False)
    report_summary = models.TextField(blank=True)
    team_membership = models.ForeignKey(
        "access.ChildTeamMembership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["id"]


class ProtectionPlan(models.Model):
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="protection_plans")
    referral = models.ForeignKey("frontdoor.Referral", on_delete=models.PROTECT, related_name="protection_plans")
    initial_conference = models.OneToOneField(Conference, on_delete=models.PROTECT, related_name="plan_made")
    started_on = models.DateField()
    initial_category = models.CharField(max_length=3, choices=Category.choices)
    lead_social_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="protection_plans_led"
    )
    outline = models.TextField(help_text="What must change, who will do what, by when")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-started_on", "-id"]
        indexes = [
            models.Index(fields=["started_on"]),
            models.Index(fields=["lead_social_worker", "started_on"]),
        ]


class CoreGroupMember(models.Model):
    plan = models.ForeignKey(ProtectionPlan, on_delete=models.CASCADE, related_name="core_group")
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(max_length=200)
    agency = models.ForeignKey("access.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    discipline = models.CharField(max_length=16, choices=Discipline.choices)
    team_membership = models.ForeignKey(
        "access.ChildTeamMembership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["id"]


class CoreGroupMeeting(models.Model):
    plan = models.ForeignKey(ProtectionPlan, on_delete=models.CASCADE, related_name="core_group_meetings")
    held_on = models.DateField()
    attendees = models.TextField(help_text="Who attended")
    summary = models.TextField(help_text="Progress against the plan and actions agreed")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["held_on", "id"]


class StatutoryVisit(models.Model):
    plan = models.ForeignKey(ProtectionPlan, on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField()
    child_seen = models.BooleanField()
    seen_alone = models.BooleanField(default=False)
    note = models.TextField()
    visited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["visited_on", "id"]


class PlanEndReason(models.TextChoices):
    NO_LONGER_AT_RISK = "no_longer_at_risk", "A review conference decided the child is no longer at risk"
    TRANSFERRED = "transferred", "Moved and transferred in to another local authority's plan"
    TURNED_18 = "turned_18", "Reached 18"
    DIED = "died", "Died"
    LEFT_UK = "left_uk", "Left the United Kingdom"


class PlanEnd(models.Model):
    plan = models.OneToOneField(ProtectionPlan, on_delete=models.PROTECT, related_name="end")
    ended_on = models.DateField()
    reason = models.CharField(max_length=20, choices=PlanEndReason.choices)
    # The review conference that decided it, when the reason is no longer at risk.
    conference = models.OneToOneField(
        Conference, null=True, blank=True, on_delete=models.PROTECT, related_name="plan_ended"
    )
    note = models.TextField(blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["ended_on"])]
