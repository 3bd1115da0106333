"""Early help: voluntary, with the family's consent, around a lead practitioner of any agency.

An episode starts with consent and ends with an EarlyHelpClosure; withdrawing consent ends
it. Stepping up to social care closes the episode and opens a front door Contact that links
back to it; stepping down from social care opens an episode that links to the contact or
referral it came from, so each side sees the other's history.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class EarlyHelpEpisode(models.Model):
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="early_help_episodes")
    started_on = models.DateField()
    lead_practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="early_help_led"
    )
    # The family has a say in who leads (Working Together 2023, chapter 2).
    lead_chosen_with_family = models.BooleanField()
    lead_choice_note = models.TextField(blank=True)
    # Step down: the front door contact or the social care referral it came from.
    from_contact = models.ForeignKey(
        "frontdoor.Contact", null=True, blank=True, on_delete=models.PROTECT, related_name="early_help_episodes"
    )
    from_referral = models.ForeignKey(
        "frontdoor.Referral", null=True, blank=True, on_delete=models.PROTECT, related_name="early_help_episodes"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-started_on", "-id"]
        indexes = [models.Index(fields=["lead_practitioner", "started_on"])]


class ConsentKind(models.TextChoices):
    GIVEN = "given", "Consent given"
    WITHDRAWN = "withdrawn", "Consent withdrawn"


class EarlyHelpConsent(models.Model):
    episode = models.ForeignKey(EarlyHelpEpisode, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(max_length=10, choices=ConsentKind.choices)
    given_by = models.CharField(max_length=200, help_text="Who gave or withdrew consent")
    relationship_to_child = models.CharField(max_length=100)
    on = models.DateField()
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["on", "id"]


class EarlyHelpAssessment(models.Model):
    """The early help assessment of the whole family, agreed with the child and family."""

    episode = models.ForeignKey(EarlyHelpEpisode, on_delete=models.CASCADE, related_name="assessments")
    completed_on = models.DateField()
    needs = models.JSONField(default=list, help_text="Keys of earlyhelp.codes.NEEDS")
    strengths = models.TextField()
    childs_views = models.TextField()
    family_views = models.TextField()
    summary = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["completed_on", "id"]


class TeamAroundFamilyMember(models.Model):
    episode = models.ForeignKey(EarlyHelpEpisode, on_delete=models.CASCADE, related_name="team")
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(max_length=200)
    agency = models.ForeignKey("access.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=100)
    team_membership = models.ForeignKey(
        "access.ChildTeamMembership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["id"]


class FamilyPlanAction(models.Model):
    episode = models.ForeignKey(EarlyHelpEpisode, on_delete=models.CASCADE, related_name="actions")
    action = models.TextField()
    owner_name = models.CharField(max_length=200, help_text="Who will do it (a practitioner or a family member)")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "id"]


class FamilyPlanActionDone(models.Model):
    action = models.OneToOneField(FamilyPlanAction, on_delete=models.CASCADE, related_name="done")
    done_on = models.DateField()
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)


class ReviewOutcome(models.TextChoices):
    CONTINUE = "continue", "Continue with the family plan"
    CLOSE = "close", "Close: the family's needs are met"
    STEP_UP = "step_up", "Step up to children's social care"


class EarlyHelpReview(models.Model):
    episode = models.ForeignKey(EarlyHelpEpisode, on_delete=models.CASCADE, related_name="reviews")
    held_on = models.DateField()
    progress = models.TextField()
    outcome = models.CharField(max_length=10, choices=ReviewOutcome.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["held_on", "id"]


class FamilyGroupConference(models.Model):
    episode = models.ForeignKey(EarlyHelpEpisode, on_delete=models.CASCADE, related_name="family_group_conferences")
    held_on = models.DateField()
    family_network = models.TextField(help_text="Who from the family network took part")
    plan_agreed = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["held_on", "id"]


class ClosureReason(models.TextChoices):
    NEEDS_MET = "needs_met", "The family's needs are met"
    CONSENT_WITHDRAWN = "consent_withdrawn", "The family withdrew consent"
    STEPPED_UP = "stepped_up", "Stepped up to children's social care"
    MOVED_AWAY = "moved_away", "The family moved away"
    OTHER = "other", "Other"


class EarlyHelpClosure(models.Model):
    episode = models.OneToOneField(EarlyHelpEpisode, on_delete=models.PROTECT, related_name="closure")
    closed_on = models.DateField()
    reason = models.CharField(max_length=20, choices=ClosureReason.choices)
    note = models.TextField(blank=True)
    stepped_up_to = models.OneToOneField(
        "frontdoor.Contact", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
