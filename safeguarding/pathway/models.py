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
