"""The agency API's own records: which agency system a client is, and the responses kept
for idempotency keys (a retried submission creates nothing twice)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiClient(models.Model):
    """An agency's system (a school MIS, a GP system, a police system, an A&E system). It
    authenticates with OAuth2 client credentials (django-oauth-toolkit `Application`) and
    acts as `service_user`, a user of its agency with no password and no sign-in, so that
    every permission check and audit event treats it like a person of that agency."""

    name = models.CharField(max_length=200)
    agency = models.ForeignKey("access.Agency", on_delete=models.PROTECT, related_name="api_clients")
    service_user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_client")
    application = models.OneToOneField(
        "oauth2_provider.Application", on_delete=models.PROTECT, related_name="safeguarding_client"
    )
    # Operations this client may call, e.g. ["concerns:write", "flags:read"].
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.name} ({self.agency})"


class IdempotentRequest(models.Model):
    """The response to a write sent with an `Idempotency-Key` header, replayed to a retry."""

    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="idempotent_requests")
    key = models.CharField(max_length=200)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "key"], name="idempotency_key_once")]
