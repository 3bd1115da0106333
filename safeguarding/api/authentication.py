"""How an agency's system proves who it is: OAuth2 client credentials (RFC 6749 section 4.4).

- The token endpoint (`ClientCredentialsValidator`) issues tokens only by the client
  credentials grant, only to a client that is not revoked, and only with scopes the client
  was given (`ApiClient.scopes`; asking for none gives all of them).
- On every call (`ClientAuthentication`) the bearer token is checked by django-oauth-toolkit
  and the call then acts as the client's service user: a user of its agency, so that every
  access check and audit event treats the system like a person of that agency.
"""

from __future__ import annotations

import base64
from typing import Any, cast
from urllib.parse import unquote_plus

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from oauth2_provider.contrib.rest_framework import OAuth2Authentication, TokenHasScope
from oauth2_provider.models import AccessToken, Application
from oauth2_provider.oauth2_validators import OAuth2Validator
from rest_framework import exceptions
from rest_framework.request import Request

from safeguarding.access.models import User
from safeguarding.api.models import ApiClient
from safeguarding.audit.models import Action
from safeguarding.audit.services import audit_record

TOKEN_PATH = "/api/v1/oauth/token/"  # noqa: S105 (an address, not a secret)
CLIENT_CREDENTIALS = "client_credentials"


def all_scopes() -> dict[str, str]:
    return cast(dict[str, str], settings.OAUTH2_PROVIDER["SCOPES"])


def _client_of_application(application: Application | None) -> ApiClient | None:
    if application is None:
        return None
    return (
        ApiClient.objects.select_related("agency", "application", "service_user__agency", "service_user__role")
        .filter(application=application)
        .first()
    )


def _live(client: ApiClient | None) -> bool:
    return client is not None and client.revoked_at is None and client.service_user.is_active


class ClientCredentialsValidator(OAuth2Validator):
    """django-oauth-toolkit's validator, narrowed to what agency systems may do."""

    def validate_grant_type(
        self, client_id: str, grant_type: str, client: Any, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        if grant_type != CLIENT_CREDENTIALS:
            return False
        return bool(super().validate_grant_type(client_id, grant_type, client, request, *args, **kwargs))

    def _load_application(self, client_id: str, request: Any) -> Any:
        # Remembered: a wrong secret in HTTP Basic falls back to the body, which forgets the
        # client the header named, and the failed sign-in is audited against that client.
        application = super()._load_application(client_id, request)
        if application is not None:
            request.claimed_application = application
        return application

    def _claimed_client_id(self, request: Any) -> str:
        encoded = self._extract_basic_auth(request)
        if encoded:
            try:
                return unquote_plus(base64.b64decode(encoded).decode().split(":", 1)[0])[:100]
            except (ValueError, UnicodeDecodeError):
                return ""
        return str(getattr(request, "client_id", "") or "")[:100]

    def authenticate_client(self, request: Any, *args: Any, **kwargs: Any) -> bool:
        if not super().authenticate_client(request, *args, **kwargs):
            known = getattr(request, "claimed_application", None)
            api_client = _client_of_application(known) if isinstance(known, Application) else None
            # A failed sign-in, audited as a person's is: a known client with a wrong secret,
            # or a client ID nobody was given (as the sign-in page audits an unknown username).
            if api_client is not None:
                audit_record(
                    actor=f"api client {api_client.application.client_id}",
                    action=Action.SIGN_IN_FAILED,
                    detail={"endpoint": f"POST {TOKEN_PATH}", "api_client": api_client.name, "why": "wrong secret"},
                )
            else:
                audit_record(
                    actor=None,
                    action=Action.SIGN_IN_FAILED,
                    detail={
                        "endpoint": f"POST {TOKEN_PATH}",
                        "client_id": self._claimed_client_id(request),
                        "why": "unknown client" if known is None else "not an agency system",
                    },
                )
            return False
        api_client = _client_of_application(request.client)
        if not _live(api_client):
            if api_client is not None:
                audit_record(
                    actor=f"api client {api_client.application.client_id}",
                    action=Action.SIGN_IN_FAILED,
                    detail={"endpoint": f"POST {TOKEN_PATH}", "api_client": api_client.name, "why": "revoked"},
                )
            return False
        request.api_client = api_client
        return True

    def _client_scopes(self, request: Any) -> list[str]:
        api_client = getattr(request, "api_client", None) or _client_of_application(getattr(request, "client", None))
        if not _live(api_client):
            return []
        assert api_client is not None
        return [s for s in api_client.scopes if s in all_scopes()]

    def get_default_scopes(self, client_id: str, request: Any, *args: Any, **kwargs: Any) -> list[str]:
        return self._client_scopes(request)

    def validate_scopes(
        self, client_id: str, scopes: list[str], client: Any, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        allowed = set(self._client_scopes(request))
        return bool(scopes) and set(scopes) <= allowed

    def save_bearer_token(self, token: dict[str, Any], request: Any, *args: Any, **kwargs: Any) -> Any:
        saved = super().save_bearer_token(token, request, *args, **kwargs)
        api_client: ApiClient = request.api_client
        # The machine's sign-in: it acts as its service user from here on.
        audit_record(
            actor=api_client.service_user,
            action=Action.SIGN_IN,
            detail={
                "endpoint": f"POST {TOKEN_PATH}",
                "api_client": api_client.name,
                "client_id": api_client.application.client_id,
                "scope": token.get("scope", ""),
            },
        )
        return saved


class ClientAuthentication(OAuth2Authentication):
    """A bearer token of a live client: the call acts as the client's service user."""

    www_authenticate_realm = "api"

    def authenticate(self, request: Request) -> tuple[User, AccessToken] | None:
        found = super().authenticate(request)
        if found is None:
            return None
        _, token = found
        api_client = _client_of_application(token.application)
        if not _live(api_client):
            raise exceptions.AuthenticationFailed("This client's credentials have been revoked")
        assert api_client is not None
        user = api_client.service_user
        # One query for the client, its agency and its user; later code reads user.api_client.
        user.api_client = api_client
        return user, token


def client_of(request: Request) -> ApiClient:
    """The client making an authenticated call."""
    api_client: ApiClient = request.user.api_client  # type: ignore[union-attr]
    return api_client


class ClientAuthenticationScheme(OpenApiAuthenticationExtension):
    """The security scheme in the OpenAPI schema: OAuth2 client credentials with our scopes,
    and each operation's required scopes."""

    target_class = "safeguarding.api.authentication.ClientAuthentication"
    name = "oauth2"
    priority = 1

    def get_security_requirement(self, auto_schema: Any) -> dict[str, list[str]]:
        for permission in auto_schema.view.get_permissions():
            if isinstance(permission, TokenHasScope):
                return {self.name: list(permission.get_scopes(auto_schema.view.request, auto_schema.view))}
        return {self.name: []}

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "oauth2",
            "description": "OAuth2 client credentials: exchange your client ID and secret for a bearer token "
            f"at {TOKEN_PATH}, then send it as `Authorization: Bearer <token>`.",
            "flows": {"clientCredentials": {"tokenUrl": TOKEN_PATH, "scopes": all_scopes()}},
        }
