"""Append-only, tamper-evident log of every read, search, print, export and write.

Each event carries the SHA-256 of the one before (`prev_hash`) and of itself (`hash`);
`manage.py audit_verify` walks the chain and reports the first broken link. Updates and
deletes are refused by a database trigger (migration 0002).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Action(models.TextChoices):
    VIEW = "view", "Viewed"
    SEARCH = "search", "Searched"
    PRINT = "print", "Printed"
    EXPORT = "export", "Exported"
    CREATE = "create", "Created"
    AMEND = "amend", "Amended"
    BREAK_GLASS = "break_glass", "Emergency access (break-glass)"
    DENIED = "denied", "Refused access"
    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    SIGN_OUT = "sign_out", "Signed out"


class AuditEvent(models.Model):
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Snapshots, so the log reads true even if the account or agency is later renamed.
    actor_label = models.CharField(max_length=200)
    agency_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    child = models.ForeignKey(
        "people.Child", null=True, blank=True, on_delete=models.PROTECT, related_name="audit_events"
    )
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    # Why: a break-glass reason, an amendment's reason, the page's purpose.
    reason = models.TextField(blank=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["child", "-id"]),
            models.Index(fields=["actor", "-id"]),
            models.Index(fields=["action", "-id"]),
        ]


class AuditChainHead(models.Model):
    """One row: the hash of the newest event. Locked while an event is appended."""

    last_hash = models.CharField(max_length=64)
    last_event_id = models.BigIntegerField(null=True)
