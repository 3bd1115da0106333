"""Operation Encompass: a domestic abuse incident the police attended, the children it
touched, the notification to each child's school and what the school did about it.

Each step is a row of its own, written once (ADR 8): the notification, its acknowledgement,
each piece of support the school gave and the escalation when nobody acknowledged it in
time. The state of a notification is which rows exist; its due moment is computed from
`notified_at` and the school calendar (encompass/terms.py), never stored (ADR 7, ADR 10).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class SchoolTerm(models.Model):
    """A term (or half term) of the local authority's schools: reference data, in admin.

    Term dates are the local authority's, not a national rule. A day is a school day when it
    is a working day in England (core/calendar.py) inside a term. Days before the first term
    or after the last one entered count as school days, so that a notification is never left
    waiting over a holiday nobody has entered (ADR 10).
    """

    name = models.CharField(max_length=100, help_text="For example: Autumn term 1, 2026 to 2027")
    first_day = models.DateField(help_text="The first day pupils are in school")
    last_day = models.DateField(help_text="The last day pupils are in school")

    class Meta:
        ordering = ["first_day"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")), name="school_term_ends_after_it_starts"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Presence(models.TextChoices):
    PRESENT = "present", "Present at the incident"
    NORMALLY_LIVES = "normally_lives", "Not present, but normally lives at the address"


class DomesticAbuseIncident(models.Model):
    """A domestic abuse incident police attended, as recorded by the police for Operation
    Encompass. `summary_for_school` is what the school is told: only what it needs."""

    police = models.ForeignKey("access.Agency", on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=100)
    occurred_at = models.DateTimeField()
    summary_for_school = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["police", "reference"], name="encompass_incident_reference_once"),
        ]


class IncidentChild(models.Model):
    """A child at an incident: present, or not present but normally living at the address."""

    incident = models.ForeignKey(DomesticAbuseIncident, on_delete=models.PROTECT, related_name="children")
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="+")
    presence = models.CharField(max_length=20, choices=Presence.choices)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "child"], name="encompass_child_once_per_incident"),
        ]


class EncompassNotification(models.Model):
    """The notification to the child's school (from the child's current enrolment). Its clock
    starts at `notified_at`: acknowledged before the start of the next school day."""

    incident_child = models.OneToOneField(IncidentChild, on_delete=models.PROTECT, related_name="notification")
    school = models.ForeignKey("access.Agency", on_delete=models.PROTECT, related_name="+")
    notified_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["school", "-notified_at", "-id"])]


class EncompassAcknowledgement(models.Model):
    """The school's designated safeguarding lead has read the notification. Once."""

    notification = models.OneToOneField(EncompassNotification, on_delete=models.PROTECT, related_name="acknowledgement")
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(default=timezone.now)


class EncompassSupport(models.Model):
    """Support the school gave the child after the incident: as many rows as there were."""

    notification = models.ForeignKey(EncompassNotification, on_delete=models.PROTECT, related_name="support")
    support = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "id"]


class EncompassEscalation(models.Model):
    """Nobody acknowledged the notification in time: the school's designated safeguarding
    leads were e-mailed again and the front door told. Once per notification."""

    notification = models.OneToOneField(EncompassNotification, on_delete=models.PROTECT, related_name="escalation")
    escalated_at = models.DateTimeField(default=timezone.now)
    # Who was told, as counts (the audit row names them).
    school_emails = models.PositiveIntegerField(default=0)
    front_door_told = models.PositiveIntegerField(default=0)
