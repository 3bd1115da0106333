"""Every page but sign-in needs a practitioner who has passed the second factor."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

# The agency API authenticates each call itself with a bearer token (api/authentication.py):
# an agency's system has no session to sign in with.
OPEN_PREFIXES = ("/sign-in", "/static/", "/accessibility", "/health", "/api/")


class RequireVerifiedPractitionerMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        if not path.startswith(OPEN_PREFIXES) and not path.startswith("/admin/login"):
            user = request.user
            if not user.is_authenticated:
                return redirect(f"{reverse(settings.LOGIN_URL)}?next={path}")
            if not user.is_verified():  # type: ignore[union-attr,attr-defined]
                return redirect("web:sign-in-otp")
        return self.get_response(request)
