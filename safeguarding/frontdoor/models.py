"""Contacts and referrals, the front door's checks and decisions, and the CIN episode.

Each step is its own row: a Contact is received; agency checks are requested and returned;
one ContactDecision decides it; a decision that accepts it for social care opens a Referral
(the CIN census episode, `CINdetails`), which a ReferralClosure ends. Nothing is updated in
place: the state of a contact is which of these rows exist.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ReferralSource(models.TextChoices):
    """CIN census ReferralSource codes."""

    FAMILY = "1A", "Individual: family member, relative or carer"
    ACQUAINTANCE = "1B", "Individual: acquaintance (including neighbours and child minders)"
    SELF = "1C", "Individual: self"
    INDIVIDUAL_OTHER = "1D", "Individual: other"
    SCHOOL = "2A", "Schools"
    EDUCATION_SERVICES = "2B", "Education services"
    GP = "3A", "Health services: GP"
    HEALTH_VISITOR = "3B", "Health services: health visitor"
    SCHOOL_NURSE = "3C", "Health services: school nurse"
    OTHER_PRIMARY_HEALTH = "3D", "Health services: other primary health services"
    AE = "3E", "Health services: A&E (emergency department)"
    OTHER_HEALTH = "3F", "Health services: other"
    HOUSING = "4", "Housing"
    LA_SOCIAL_CARE = "5A", "LA services: social care (for example adults)"
    LA_OTHER_INTERNAL = "5B", "LA services: other internal"
    LA_EXTERNAL = "5C", "LA services: external (for example from another local authority)"
    EARLY_HELP = "5D", "LA services: early help"
    POLICE = "6", "Police"
    OTHER_LEGAL = "7", "Other legal agency"
    OTHER = "8", "Other"
    ANONYMOUS = "9", "Anonymous"
    UNKNOWN = "10", "Unknown"


class Consent(models.TextChoices):
    GIVEN = "given", "The family knows and agreed to the referral"
    REFUSED = "refused", "The family was asked and did not agree"
    NOT_SOUGHT = "not_sought", "Consent was not sought"


class Contact(models.Model):
    """A contact or referral received by the front door, from a practitioner or the public."""

    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="contacts")
    received_at = models.DateTimeField(default=timezone.now)
    # A practitioner referring through the platform; empty when the front door records a call
    # from a member of the public (then referrer_name and referrer_relationship say who).
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals_made"
    )
    referrer_agency = models.ForeignKey(
        "access.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="referrals_made"
    )
    referrer_name = models.CharField(max_length=200, blank=True)
    referrer_relationship = models.CharField(max_length=100, blank=True)
    referrer_contact_details = models.CharField(max_length=200, blank=True)
    source = models.CharField("referral source", max_length=3, choices=ReferralSource.choices)
    concern = models.TextField()
    categories = models.JSONField(default=list)
    immediate_danger = models.BooleanField(default=False)
    household = models.TextField(blank=True, help_text="Who lives with the child, as the referrer knows it")
    action_taken = models.TextField(help_text="What the referrer has already done")
    family_aware = models.BooleanField()
    consent = models.CharField(max_length=12, choices=Consent.choices)
    # Consent is not needed to share for safeguarding; when it was not sought or was refused
    # the reason is recorded (Working Together 2023; information sharing golden rules).
    consent_reason = models.TextField(blank=True)
    # Step up from early help: the episode the contact came from, carrying its history across.
    early_help_episode = models.ForeignKey(
        "earlyhelp.EarlyHelpEpisode", null=True, blank=True, on_delete=models.PROTECT, related_name="step_ups"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["received_at", "id"]
        indexes = [
            models.Index(fields=["received_at", "id"]),
            models.Index(fields=["referrer", "received_at"]),
            models.Index(fields=["child", "received_at"]),
        ]


class AgencyCheck(models.Model):
    """The front door asks an agency what it knows (a MASH check)."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="checks")
    agency = models.ForeignKey("access.Agency", on_delete=models.PROTECT, related_name="checks_requested")
    question = models.TextField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["requested_at", "id"]
        indexes = [models.Index(fields=["agency", "requested_at"])]


class AgencyCheckReturn(models.Model):
    """The agency's answer to a check: its own row, never an edit of the request."""

    check_request = models.OneToOneField(AgencyCheck, on_delete=models.CASCADE, related_name="returned")
    information = models.TextField()
    returned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    returned_at = models.DateTimeField(default=timezone.now)


class Decision(models.TextChoices):
    NO_FURTHER_ACTION = "nfa", "No further action"
    INFORMATION_ADVICE = "information_advice", "Information and advice"
    EARLY_HELP = "early_help", "Early help"
    ASSESSMENT = "assessment", "Child and family assessment (section 17)"
    STRATEGY_DISCUSSION = "strategy_discussion", "Strategy discussion (section 47)"
    IMMEDIATE_PROTECTION = "immediate_protection", "Immediate protection"


# Decisions that accept the contact as a referral to children's social care (a CIN episode).
REFERRAL_DECISIONS = frozenset({Decision.ASSESSMENT, Decision.STRATEGY_DISCUSSION, Decision.IMMEDIATE_PROTECTION})


class ImmediateProtection(models.TextChoices):
    POLICE_PROTECTION = "police_protection", "Police protection (Children Act 1989 s46)"
    EMERGENCY_PROTECTION_ORDER = "epo", "Emergency protection order (Children Act 1989 s44)"


class ContactDecision(models.Model):
    """The front door's decision on a contact, made once (within 1 working day)."""

    contact = models.OneToOneField(Contact, on_delete=models.PROTECT, related_name="decision")
    decision = models.CharField(max_length=24, choices=Decision.choices)
    reason = models.TextField()
    immediate_protection = models.CharField(max_length=20, choices=ImmediateProtection.choices, blank=True)
    immediate_protection_on = models.DateField(null=True, blank=True)
    # Flagged when the child had a referral in the 12 months before this contact.
    re_referral = models.BooleanField(default=False)
    previous_referral = models.ForeignKey(
        "frontdoor.Referral", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["decided_at"])]


class Referral(models.Model):
    """A referral accepted by children's social care: the CIN census episode (`CINdetails`)."""

    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="referrals")
    contact = models.OneToOneField(Contact, on_delete=models.PROTECT, related_name="referral")
    referral_date = models.DateField(help_text="CINreferralDate: the day the contact was received")
    source = models.CharField("referral source", max_length=3, choices=ReferralSource.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-referral_date", "-id"]
        indexes = [models.Index(fields=["child", "referral_date"])]


class ClosureReason(models.TextChoices):
    """CIN census ReasonForClosure codes."""

    RC1 = "RC1", "Adopted"
    RC2 = "RC2", "Died"
    RC3 = "RC3", "Child arrangements order"
    RC4 = "RC4", "Special guardianship order"
    RC5 = "RC5", "Transferred to services of another local authority"
    RC6 = "RC6", "Transferred to adult social care services"
    RC7 = "RC7", "Services ceased for any other reason, including the child no longer in need"
    RC8 = "RC8", "Case closed after assessment, no further action"
    RC9 = "RC9", "Case closed after assessment, referred to early help"


class ReferralClosure(models.Model):
    """The end of the CIN episode (CINclosureDate, ReasonForClosure)."""

    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="closure")
    closed_on = models.DateField()
    reason = models.CharField(max_length=3, choices=ClosureReason.choices)
    note = models.TextField(blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["closed_on"])]
