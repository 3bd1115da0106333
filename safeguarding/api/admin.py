"""Agency systems' API clients: listed, and revoked, in the admin. Credentials are issued only
by `manage.py api_client_create`, which prints the secret once: a page would have to keep it
somewhere (a message in the session) to show it."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from safeguarding.api.models import ApiClient
from safeguarding.api.services import api_client_revoke


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ("name", "agency", "client_id", "scope_list", "created_at", "revoked_at")
    list_select_related = ("agency", "application")
    list_filter = ("agency__kind", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("name", "agency__name", "application__client_id")
    readonly_fields = (
        "name",
        "agency",
        "client_id",
        "scope_list",
        "created_at",
        "created_by",
        "revoked_at",
        "revoked_by",
    )
    fields = readonly_fields
    actions = ["revoke"]

    @admin.display(description="Client ID")
    def client_id(self, obj: ApiClient) -> str:
        return str(obj.application.client_id)

    @admin.display(description="Scopes")
    def scope_list(self, obj: ApiClient) -> str:
        return " ".join(obj.scopes)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        # Revoking is a change to the client, though nothing else of it may be changed here.
        return bool(request.user.has_perm("api.change_apiclient"))

    @admin.action(description="Revoke the selected clients' credentials", permissions=["revoke"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        revoked = 0
        for client in queryset.filter(revoked_at__isnull=True):
            api_client_revoke(client=client, by=request.user, reason="Revoked in the admin")  # type: ignore[arg-type]
            revoked += 1
        self.message_user(request, f"Revoked {revoked} client(s).", messages.SUCCESS)
