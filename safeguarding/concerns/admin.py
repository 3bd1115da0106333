"""Only the signal rules' thresholds are reference data. Concerns, agency events and the
chronology are records about children: written by audited services, never in the admin."""

from django.contrib import admin

from safeguarding.audit.admin import AuditedModelAdmin
from safeguarding.concerns.models import SignalRule


@admin.register(SignalRule)
class SignalRuleAdmin(AuditedModelAdmin):
    list_display = ("key", "enabled", "params")
    list_filter = ("enabled",)
    search_fields = ("key",)
