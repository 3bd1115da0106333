"""The CIN episode (a referral accepted by social care) and its closure."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from safeguarding.access.services import child_for
from safeguarding.audit.models import Action
from safeguarding.concerns.forms import initial_from_data
from safeguarding.core.errors import DomainError, NoRelationship
from safeguarding.core.forms import apply_service_errors
from safeguarding.frontdoor import outcomes, permissions, selectors
from safeguarding.frontdoor.forms import CLOSURE_FIELD_FOR, ClosureForm
from safeguarding.frontdoor.models import ClosureReason, Referral, ReferralClosure
from safeguarding.frontdoor.outcomes import related
from safeguarding.frontdoor.services import referral_close
from safeguarding.frontdoor.views import no_relationship, user_of
from safeguarding.people.models import Child


def _referral(request: HttpRequest, child_id: int, pk: int, *, what: str) -> tuple[Child, Referral] | HttpResponse:
    user = user_of(request)
    try:
        child, _basis = child_for(user, child_id, action=Action.VIEW, what=what)
    except NoRelationship:
        return no_relationship(request, child_id)
    if not permissions.covers_whole_la(user):
        raise PermissionDenied("Only children's social care works on a referral")
    return child, get_object_or_404(outcomes.referral_with_steps(Referral.objects.all()), pk=pk, child=child)


@require_GET
def referral_detail(request: HttpRequest, child_id: int, pk: int) -> HttpResponse:
    found = _referral(request, child_id, pk, what="referral")
    if isinstance(found, HttpResponse):
        return found
    child, referral = found
    closure = related(referral, "closure")
    return render(
        request,
        "frontdoor/referral.html",
        {
            "child": child,
            "referral": referral,
            "contact": referral.contact,
            "decision": related(referral.contact, "decision"),
            "closure": closure,
            "steps": outcomes.episode_steps(referral),
            "is_open": closure is None,
            "may_close": closure is None and permissions.may_close_referral(user_of(request)),
        },
    )


@require_http_methods(["GET", "POST"])
def close(request: HttpRequest, child_id: int, pk: int) -> HttpResponse:
    """Close the episode with its reason for closure, after a confirmation page."""
    user = user_of(request)
    if not permissions.may_close_referral(user):
        raise PermissionDenied("Only children's social care social workers and managers close a referral")
    found = _referral(request, child_id, pk, what="close referral form")
    if isinstance(found, HttpResponse):
        return found
    child, referral = found
    if related(referral, "closure") is not None:
        messages.info(request, "This referral is already closed")
        return redirect("frontdoor:referral", child_id=child.pk, pk=referral.pk)
    context = {"child": child, "referral": referral, "open_steps": selectors.open_steps(referral)}
    if request.method == "POST" and "edit" in request.POST:
        form = ClosureForm(initial=initial_from_data(ClosureForm, request.POST))
    elif request.method == "POST":
        form = ClosureForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            if request.POST.get("confirm") != "yes":
                return render(
                    request,
                    "frontdoor/close_confirm.html",
                    context
                    | {
                        "form": form,
                        "closed_on": d["closed_on"],
                        "reason_label": f"{ClosureReason(d['reason']).label} ({d['reason']})",
                    },
                )
            try:
                referral_close(referral=referral, closed_on=d["closed_on"], reason=d["reason"], note=d["note"], by=user)
            except ValidationError as exc:
                apply_service_errors(form, exc, CLOSURE_FIELD_FOR)
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Referral closed")
                return redirect("frontdoor:referral", child_id=child.pk, pk=referral.pk)
    else:
        form = ClosureForm()
    return render(request, "frontdoor/close.html", context | {"form": form})


@require_GET
def closure_detail(request: HttpRequest, child_id: int, pk: int) -> HttpResponse:
    """A closure's chronology entry opens the referral it closed."""
    closure = get_object_or_404(ReferralClosure.objects.only("id", "referral_id"), pk=pk, referral__child_id=child_id)
    return redirect("frontdoor:referral", child_id=child_id, pk=closure.referral_id)
