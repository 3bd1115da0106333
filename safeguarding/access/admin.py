"""Reference data: agencies, teams, roles and practitioners' accounts.

Relationships with children (involvements, team memberships, break-glass) are not here:
they are made by audited services and reviewed on the audit pages.
"""

from typing import Any

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from safeguarding.access.models import Agency, Role, Team, User
from safeguarding.audit.admin import AuditedModelAdmin


def admin_sign_in(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    """The admin has no password-only sign-in: everyone comes in through the two-factor,
    audited, lockout-protected sign-in. A signed-in practitioner who is not staff is refused."""
    user: Any = request.user
    if user.is_authenticated and not user.is_verified():
        return redirect("web:sign-in-otp")
    if user.is_authenticated:
        raise PermissionDenied("Only administrators can use the admin")
    next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("admin:index")
    return redirect_to_login(next_url, login_url=reverse("web:sign-in"))


admin.site.login = admin_sign_in  # type: ignore[method-assign]


@admin.register(Agency)
class AgencyAdmin(AuditedModelAdmin):
    list_display = ("name", "kind", "code", "postcode", "secure_email")
    list_filter = ("kind",)
    search_fields = ("name", "code", "postcode")


@admin.register(Team)
class TeamAdmin(AuditedModelAdmin):
    list_display = ("name", "agency")
    list_select_related = ("agency",)
    list_filter = ("agency__kind",)
    search_fields = ("name", "agency__name")
    autocomplete_fields = ("agency",)


@admin.register(Role)
class RoleAdmin(AuditedModelAdmin):
    list_display = ("name", "key", "covers_whole_la", "may_view_audit", "may_break_glass", "is_social_worker")
    list_filter = ("covers_whole_la", "may_view_audit", "may_break_glass", "is_social_worker")
    search_fields = ("name", "key")
    prepopulated_fields = {"key": ("name",)}
    fieldsets = (
        (None, {"fields": ("name", "key")}),
        (
            "What the role entitles",
            {
                "fields": ("covers_whole_la", "may_view_audit", "may_break_glass", "is_social_worker"),
                "description": "Covering the whole local authority opens every child's record and the whole "
                "chronology: give it only to the front door and children's social care.",
            },
        ),
    )


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        ("Agency and role", {"fields": ("agency", "team", "role", "job_title", "phone")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        ("Agency and role", {"fields": ("first_name", "last_name", "email", "agency", "team", "role", "job_title")}),
    )
    list_display = ("username", "first_name", "last_name", "agency", "role", "is_active", "is_staff")
    list_select_related = ("agency", "role")
    list_filter = ("role", "agency__kind", "is_active", "is_staff", "is_superuser")
    search_fields = ("username", "first_name", "last_name", "email", "agency__name")
    autocomplete_fields = ("agency", "team")
