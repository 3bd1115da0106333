"""Admin for reference data is audited like every other write; the audit itself is read-only.

`AuditedModelAdmin` records who created, changed or deleted reference data (a role gaining
`may_view_audit` is as much a safeguarding event as a change to a child's record), in the
admin's own transaction, with old and new values. Passwords are never recorded.
"""

from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from safeguarding.audit.models import Action, AuditEvent
from safeguarding.audit.services import audit_record


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    return value


class AuditedModelAdmin(admin.ModelAdmin):
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = type(obj)._default_manager.filter(pk=obj.pk).first() if change and obj.pk else None
        super().save_model(request, obj, form, change)
        concrete = {f.name for f in obj._meta.concrete_fields}
        changed = [name for name in form.changed_data if "password" not in name]
        if before is None:
            audit_record(actor=request.user, action=Action.CREATE, obj=obj, detail={"what": "admin", "fields": changed})
            return
        diff = {
            name: {"old": _plain(getattr(before, name)), "new": _plain(getattr(obj, name))}
            for name in changed
            if name in concrete
        }
        others = [name for name in changed if name not in concrete]
        if others:
            diff["other"] = {"old": None, "new": others}
        audit_record(actor=request.user, action=Action.AMEND, obj=obj, reason="Changed in the admin", detail=diff)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit_record(
            actor=request.user,
            action=Action.AMEND,
            obj=obj,
            reason="Deleted in the admin",
            detail={"deleted": str(obj)},
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            audit_record(
                actor=request.user,
                action=Action.AMEND,
                obj=obj,
                reason="Deleted in the admin",
                detail={"deleted": str(obj)},
            )
        super().delete_queryset(request, queryset)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only, superusers only. The DPO's view is /audit/; this is for investigations."""

    list_display = ("id", "occurred_at", "actor_label", "agency_label", "action", "child_id", "object_type")
    list_filter = ("action",)
    search_fields = ("=actor_label", "=object_id")
    date_hierarchy = "occurred_at"
    show_full_result_count = False  # no COUNT over millions of rows
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditEvent]:
        return super().get_queryset(request).order_by("-id")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(getattr(request.user, "is_superuser", False))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(getattr(request.user, "is_superuser", False))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
