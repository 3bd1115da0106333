"""Child and family assessments under section 17, and child in need plans.

The assessment's clock runs 45 working days from the referral date (core.clocks
`child_and_family_assessment`). Its lead practitioner may be someone other than a social
worker only under a social-work-qualified supervisor, who authorises the assessment
(AssessmentAuthorisation). Completion, the child being seen, reviews and the end of a plan
are each their own row.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class PrimaryNeed(models.TextChoices):
    """CIN census PrimaryNeedCode."""

    N1 = "N1", "Abuse or neglect"
    N2 = "N2", "Child's disability or illness"
    N3 = "N3", "Parental illness or disability"
    N4 = "N4", "Family in acute stress"
    N5 = "N5", "Family dysfunction"
    N6 = "N6", "Socially unacceptable behaviour"
    N7 = "N7", "Low income"
    N8 = "N8", "Absent parenting"
    N9 = "N9", "Cases other than children in need"
    N0 = "N0", "Not stated"


class AssessmentOutcome(models.TextChoices):
    NO_FURTHER_ACTION = "nfa", "No further action"
    EARLY_HELP = "early_help", "Step down to early help"
    CIN_PLAN = "cin_plan", "Child in need plan"
    STRATEGY_DISCUSSION = "strategy_discussion", "Strategy discussion (section 47)"
    CONTINUE_CP_PLAN = "continue_cp_plan", "Continue the existing child protection plan"


class Assessment(models.Model):
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="assessments")
    referral = models.ForeignKey("frontdoor.Referral", on_delete=models.PROTECT, related_name="assessments")
    started_on = models.DateField()
    lead_practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessments_led"
    )
    # Required when the lead practitioner is not a social worker: a social-work-qualified
    # supervisor oversees the assessment and authorises it.
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="assessments_supervised"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-started_on", "-id"]
        indexes = [models.Index(fields=["lead_practitioner", "started_on"])]


class AssessmentAuthorisation(models.Model):
    """The supervisor (or manager) authorises the completed assessment."""

    assessment = models.OneToOneField(Assessment, on_delete=models.PROTECT, related_name="authorisation")
    note = models.TextField(blank=True)
    authorised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    authorised_at = models.DateTimeField(default=timezone.now)


class ChildSeen(models.Model):
    """A date the child was seen during the assessment."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="seen")
    seen_on = models.DateField()
    seen_alone = models.BooleanField(default=False)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["seen_on", "id"]


class AssessmentCompletion(models.Model):
    """The end of the assessment: factors identified (CIN census codes), need, outcome."""

    assessment = models.OneToOneField(Assessment, on_delete=models.PROTECT, related_name="completion")
    completed_on = models.DateField()
    factors = models.JSONField(default=list, help_text="CIN census factors identified at the end of assessment")
    primary_need = models.CharField(max_length=2, choices=PrimaryNeed.choices)
    analysis = models.TextField(help_text="Findings and analysis")
    outcome = models.CharField(max_length=24, choices=AssessmentOutcome.choices)
    # Required when completed after the 45-working-day clock ran out.
    late_reason = models.TextField(blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["completed_on"])]


class CINPlan(models.Model):
    """A child in need plan (CINPlanDates), after an assessment or after a protection plan ends."""

    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="cin_plans")
    referral = models.ForeignKey("frontdoor.Referral", on_delete=models.PROTECT, related_name="cin_plans")
    started_on = models.DateField()
    lead_practitioner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    plan = models.TextField(help_text="Needs, what will be done, by whom and by when")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-started_on", "-id"]
        indexes = [models.Index(fields=["lead_practitioner", "started_on"])]


class CINPlanReview(models.Model):
    plan = models.ForeignKey(CINPlan, on_delete=models.CASCADE, related_name="reviews")
    held_on = models.DateField()
    summary = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["held_on", "id"]


class CINPlanEnd(models.Model):
    plan = models.OneToOneField(CINPlan, on_delete=models.PROTECT, related_name="end")
    ended_on = models.DateField()
    reason = models.TextField()
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
