"""What a client may call: each operation needs its OAuth2 scope, held both by the token and
(still) by the client, so that taking a scope away from a client takes effect at once."""

from typing import Any

from oauth2_provider.contrib.rest_framework import TokenHasScope
from rest_framework.request import Request

from safeguarding.api.models import ApiClient
from safeguarding.audit.models import Action
from safeguarding.audit.services import audit_record


class ClientHasScope(TokenHasScope):
    """The view's `required_scopes`, on the token and on the client. A refusal of a client
    that did authenticate is audited (DENIED), naming the endpoint and the missing scope."""

    message = "This client may not call this endpoint: it needs the scope {scopes}"

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.auth is None or not getattr(request.user, "is_authenticated", False):
            return False
        required = list(self.get_scopes(request, view))
        api_client: ApiClient | None = getattr(request.user, "api_client", None)
        held = bool(super().has_permission(request, view)) and api_client is not None
        if held:
            assert api_client is not None
            held = set(required) <= set(api_client.scopes)
        if not held:
            self.message = self.__class__.message.format(scopes=" and ".join(required))
            audit_record(
                actor=request.user,
                action=Action.DENIED,
                detail={
                    "endpoint": f"{request.method} {request.path}",
                    "api_client": api_client.name if api_client else "",
                    "missing_scope": required,
                },
            )
        return held
