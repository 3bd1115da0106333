"""Rate limits: per client on every endpoint (`API_RATE`, default 600 a minute), and per
address on the token endpoint, where no client is known yet (`API_TOKEN_RATE`, default 60 a
minute). Both are read from the settings on each request, so that a change (or a test's
override) takes effect without a restart of the class."""

from typing import Any

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class ClientRateThrottle(SimpleRateThrottle):
    """One bucket per client (each client is one service user)."""

    scope = "api-client"

    def get_rate(self) -> str:
        rate: str = getattr(settings, "API_RATE", "600/minute")
        return rate

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        api_client = getattr(request.user, "api_client", None)
        if api_client is None:
            return None  # unauthenticated calls are refused before they cost anything
        return self.cache_format % {"scope": self.scope, "ident": api_client.pk}


class TokenRateThrottle(SimpleRateThrottle):
    """Attempts at the token endpoint from one address (guessing secrets is slow)."""

    scope = "api-token"

    def get_rate(self) -> str:
        rate: str = getattr(settings, "API_TOKEN_RATE", "60/minute")
        return rate

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
