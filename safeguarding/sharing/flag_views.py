"""Check a child's status: the web page of the status flag (sharing/flags.py).

The result shows what is recorded now and who to call; it links to the child's record only for
someone who may open it (access.permissions.basis_for). Every lookup is audited by the service.
"""

import contextlib

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from safeguarding.access.models import User
from safeguarding.access.permissions import Basis, basis_for
from safeguarding.sharing.flag_forms import FlagLookupForm
from safeguarding.sharing.flags import FlagLookupRefused, flag_lookup, may_look_up_flags
from safeguarding.sharing.models import LookupChannel


def _refused(request: HttpRequest) -> HttpResponse:
    return render(request, "sharing/flag_refused.html", {"front_door_contact": settings.FRONT_DOOR_CONTACT}, status=403)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def flag_check(request: HttpRequest) -> HttpResponse:
    """GET: the form. POST: look the child up and show the answer (or the form with errors,
    keeping what was typed)."""
    user = request.user
    assert isinstance(user, User)
    if not may_look_up_flags(user):
        if request.method == "POST":
            # The service records the refusal (who asked about which number) and raises.
            with contextlib.suppress(FlagLookupRefused):
                flag_lookup(
                    identifier=request.POST.get("identifier", "")[:40],
                    by=user,
                    channel=LookupChannel.WEB,
                    purpose=request.POST.get("purpose", ""),
                )
        return _refused(request)
    form = FlagLookupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        identifier = form.cleaned_data["identifier"]
        try:
            flag = flag_lookup(
                identifier=identifier, by=user, channel=LookupChannel.WEB, purpose=form.cleaned_data["purpose"]
            )
        except FlagLookupRefused:
            return _refused(request)
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            is_nhs = identifier.isdigit()
            record_url = ""
            if flag is not None and basis_for(user, flag.child.pk) is not Basis.NONE:
                record_url = reverse("people:record", args=[flag.child.pk])
            return render(
                request,
                "sharing/flag_result.html",
                {
                    "flag": flag,
                    "identifier_label": "NHS number" if is_nhs else "UPN",
                    "identifier": f"{identifier[:3]} {identifier[3:6]} {identifier[6:]}" if is_nhs else identifier,
                    "record_url": record_url,
                    "front_door_contact": settings.FRONT_DOOR_CONTACT,
                    "out_of_hours": settings.OUT_OF_HOURS_CONTACT,
                },
            )
    return render(request, "sharing/flag_check.html", {"form": form})
