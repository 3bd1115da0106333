"""Sign-in with a password and a second factor (TOTP), sign-out, and the home page."""

from typing import Any

from axes.helpers import get_cool_off
from django.contrib import auth
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token

from safeguarding.audit.models import Action
from safeguarding.audit.services import audit_record
from safeguarding.frontdoor.permissions import may_pick_up_early_help
from safeguarding.web.forms import OTPForm, SignInForm

NEXT_KEY = "sign_in_next"


def _safe_next(request: HttpRequest, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()}):
        return value
    return "/"


@login_not_required
def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request, data=request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            user = form.get_user()
            auth.login(request, user)
            request.session[NEXT_KEY] = _safe_next(request, request.GET.get("next"))
            return redirect("web:sign-in-otp")
        audit_record(
            actor=None, action=Action.SIGN_IN_FAILED, detail={"username": request.POST.get("username", "")[:150]}
        )
    return render(request, "web/sign_in.html", {"form": form})


@login_not_required
def sign_in_otp(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not user.is_authenticated:
        return redirect("web:sign-in")
    form = OTPForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            audit_record(actor=user, action=Action.SIGN_IN)
            return redirect(_safe_next(request, request.session.pop(NEXT_KEY, "/")))
        form.add_error(
            "token", "The security code is not correct or has expired. Wait a moment, then enter the latest code"
        )
        audit_record(actor=user, action=Action.SIGN_IN_FAILED, detail={"second_factor": True})
    return render(request, "web/sign_in_otp.html", {"form": form})


def _in_words(minutes: int) -> str:
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """django-axes lockout page (AXES_LOCKOUT_CALLABLE): the GOV.UK page, with the cool-off
    in words ("30 minutes", not "0:30:00"). Says nothing about whether the account exists."""
    cool_off = get_cool_off(request)
    wait = _in_words(max(1, round(cool_off.total_seconds() / 60))) if cool_off else ""
    return render(request, "web/locked_out.html", {"cooloff_timedelta": wait}, status=429)


@require_POST
@login_not_required
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit_record(actor=request.user, action=Action.SIGN_OUT)
    auth.logout(request)
    return redirect("web:sign-in")


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {"may_pick_up_early_help": may_pick_up_early_help(request.user)})


@login_not_required
def health(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
