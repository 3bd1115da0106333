"""What the pathway's cross-cutting views need stored: the reminders already sent.

Clocks themselves are never stored (core/clocks.py computes them from the pathway's rows).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ReminderSent(models.Model):
    """One reminder about one clock to one practitioner, so the daily job never repeats it."""

    timescale = models.CharField(max_length=40)
    source_type = models.CharField(max_length=100)
    source_id = models.PositiveBigIntegerField()
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField()
    # "due_soon" before the clock runs out, "overdue" once it has.
    stage = models.CharField(max_length=10)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["timescale", "source_type", "source_id", "recipient", "due_on", "stage"],
                name="reminder_once",
            )
        ]


class ClockRow(models.Model):
    """The timeliness projection: one row per clock of the pathway, running or completed.

    Written only by `pathway.projection` (each pathway service refreshes its child's rows in
    its own transaction; `manage.py clock_rows_rebuild` rebuilds them all). It stores what
    starts and stops a clock, never a due date: due dates follow the calendar and the local
    timescales at the time they are read (ADR 7). It exists so that a manager's view can count
    a team's clocks in one indexed query at any scale (ADR 8).
    """

    key = models.CharField(max_length=40)
    child = models.ForeignKey("people.Child", on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_type = models.CharField(max_length=100)
    source_id = models.PositiveBigIntegerField()
    start_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["completed_on", "key", "start_on"]),
            models.Index(fields=["owner", "completed_on"]),
            models.Index(fields=["child"]),
        ]
