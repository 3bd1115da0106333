"""The front door's work on a contact: asking agencies for checks, their answers, the decision."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from safeguarding.access.services import child_for
from safeguarding.audit.models import Action
from safeguarding.audit.services import audit_record
from safeguarding.core.errors import DomainError, NoRelationship
from safeguarding.core.forms import apply_service_errors
from safeguarding.frontdoor import permissions, selectors
from safeguarding.frontdoor.forms import DECISION_FIELD_FOR, CheckRequestForm, CheckReturnForm, DecisionForm
from safeguarding.frontdoor.models import AgencyCheck, Contact, ContactDecision
from safeguarding.frontdoor.outcomes import related
from safeguarding.frontdoor.services import check_request, check_return, contact_decide
from safeguarding.frontdoor.views import no_relationship, user_of

CHECKS_PAGE_SIZE = 25


def _front_door_contact(request: HttpRequest, child_id: int, pk: int, *, what: str) -> Contact | HttpResponse:
    user = user_of(request)
    if not permissions.may_decide_referrals(user):
        raise PermissionDenied("Only the front door can do this")
    try:
        child, _basis = child_for(user, child_id, action=Action.VIEW, what=what)
    except NoRelationship:
        return no_relationship(request, child_id)
    return get_object_or_404(Contact.objects.select_related("child", "referrer_agency"), pk=pk, child=child)


@require_http_methods(["GET", "POST"])
def check_request_new(request: HttpRequest, child_id: int, pk: int) -> HttpResponse:
    found = _front_door_contact(request, child_id, pk, what="agency check form")
    if isinstance(found, HttpResponse):
        return found
    contact, user = found, user_of(request)
    if request.method == "POST":
        form = CheckRequestForm(request.POST, own_agency_id=user.agency_id)
        if form.is_valid():
            agency = form.cleaned_data["agency"]
            try:
                check_request(contact=contact, agency=agency, question=form.cleaned_data["question"], by=user)
            except ValidationError as exc:
                apply_service_errors(form, exc, {})
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"Check sent to {agency.name}")
                return redirect("frontdoor:contact", child_id=child_id, pk=contact.pk)
    else:
        form = CheckRequestForm(own_agency_id=user.agency_id)
    return render(request, "frontdoor/check_request.html", {"form": form, "contact": contact, "child": contact.child})


@require_GET
def checks(request: HttpRequest) -> HttpResponse:
    """Checks asked of my agency: the child's name and date of birth, and the question."""
    user = user_of(request)
    if user.agency_id is None:
        raise PermissionDenied("Only practitioners who belong to an agency answer checks")
    page = Paginator(selectors.checks_waiting(user.agency_id), CHECKS_PAGE_SIZE).get_page(request.GET.get("page"))
    answered = selectors.checks_answered(user.agency_id)
    audit_record(
        actor=user,
        action=Action.VIEW,
        detail={"what": "agency checks", "page": page.number, "waiting": page.paginator.count},
    )
    return render(
        request,
        "frontdoor/checks.html",
        {"page": page, "page_range": page.paginator.get_elided_page_range(page.number), "answered": answered},
    )


@require_http_methods(["GET", "POST"])
def check_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """An agency answers a check asked of it, once."""
    user = user_of(request)
    if user.agency_id is None:
        raise PermissionDenied("Only practitioners who belong to an agency answer checks")
    check = get_object_or_404(
        AgencyCheck.objects.select_related("contact__child", "requested_by", "returned", "returned__returned_by"),
        pk=pk,
        agency_id=user.agency_id,
    )
    child = check.contact.child
    returned = related(check, "returned")
    form = CheckReturnForm(request.POST if request.method == "POST" and returned is None else None)
    if request.method == "POST" and returned is None and form.is_valid():
        try:
            check_return(check=check, information=form.cleaned_data["information"], by=user)
        except ValidationError as exc:
            apply_service_errors(form, exc, {})
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Your answer has been sent to the front door")
            return redirect("frontdoor:checks")
    audit_record(
        actor=user,
        action=Action.VIEW,
        child=child,
        obj=check,
        detail={"what": "agency check", "shown": "name and date of birth"},
    )
    return render(
        request, "frontdoor/check_return.html", {"form": form, "check": check, "child": child, "returned": returned}
    )


@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, child_id: int, pk: int) -> HttpResponse:
    """The front door's decision on a contact (once)."""
    found = _front_door_contact(request, child_id, pk, what="decision form")
    if isinstance(found, HttpResponse):
        return found
    contact, user = found, user_of(request)
    if ContactDecision.objects.filter(contact=contact).exists():
        messages.info(request, "This contact has already been decided")
        return redirect("frontdoor:contact", child_id=child_id, pk=contact.pk)
    if request.method == "POST":
        form = DecisionForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                contact_decide(
                    contact=contact,
                    decision=d["decision"],
                    reason=d["reason"],
                    by=user,
                    immediate_protection=d["immediate_protection"],
                    immediate_protection_on=d["immediate_protection_on"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc, DECISION_FIELD_FOR)
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Decision recorded")
                return redirect("frontdoor:contact", child_id=child_id, pk=contact.pk)
    else:
        form = DecisionForm()
    return render(
        request,
        "frontdoor/decide.html",
        {"form": form, "contact": contact, "child": contact.child, "clock": selectors.decision_clock(contact)},
    )
