"""Pages of the child and family assessment (section 17): start, the child seen, completion,
authorisation, and the assessment itself with its 45-working-day clock.

Access: every view fetches the child with `child_for` (audited), then the row filtered by
that child. Reading needs a view of the child's whole record; acting follows
assessments/permissions.py. Views never write: they call the services.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from safeguarding.access.models import User
from safeguarding.access.services import child_for
from safeguarding.assessments import codes, selectors
from safeguarding.assessments import permissions as perms
from safeguarding.assessments.forms import AssessmentCompleteForm, AssessmentStartForm, AuthoriseForm, ChildSeenForm
from safeguarding.assessments.models import Assessment, AssessmentOutcome, PrimaryNeed
from safeguarding.assessments.services import (
    assessment_authorise,
    assessment_complete,
    assessment_start,
    child_seen_record,
)
from safeguarding.audit.models import Action
from safeguarding.core import clocks
from safeguarding.core.errors import DomainError, NoRelationship
from safeguarding.core.forms import apply_service_errors
from safeguarding.frontdoor.models import Referral
from safeguarding.people.models import Child

READ_REFUSED = (
    "Assessments are held by children's social care. Agencies working with the child are told the outcome by letter."
)


def user_of(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def no_relationship(request: HttpRequest, child_id: int) -> HttpResponse:
    """403 that shows nothing of the child (child_for has audited the refusal)."""
    user = user_of(request)
    return render(
        request,
        "concerns/no_relationship.html",
        {
            "child_id": child_id,
            "has_agency": user.agency_id is not None,
            "may_break_glass": bool(user.agency_id and user.role and user.role.may_break_glass),
        },
        status=403,
    )


def child_or_refusal(request: HttpRequest, child_id: int, what: str) -> Child | HttpResponse:
    """The child if the user may read its pathway records; the refusal page otherwise."""
    try:
        child, basis = child_for(user_of(request), child_id, action=Action.VIEW, what=what)
    except NoRelationship:
        return no_relationship(request, child_id)
    if not perms.may_read(basis):
        raise PermissionDenied(READ_REFUSED)
    return child


def _assessment(request: HttpRequest, child_id: int, pk: int, what: str) -> tuple[Child, Assessment] | HttpResponse:
    child = child_or_refusal(request, child_id, what)
    if isinstance(child, HttpResponse):
        return child
    return child, get_object_or_404(selectors.assessments_for_page(child), pk=pk)


def _form_page(request: HttpRequest, template: str, **context: Any) -> HttpResponse:
    return render(request, f"assessments/{template}", context)


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, child_id: int, referral_id: int) -> HttpResponse:
    child = child_or_refusal(request, child_id, "start assessment form")
    if isinstance(child, HttpResponse):
        return child
    referral = get_object_or_404(Referral, pk=referral_id, child=child)
    user = user_of(request)
    perms.require(perms.may_start(user), "Only children's social care can start an assessment")
    leads, people = selectors.practitioner_groups(child)
    supervisors, social_workers = selectors.practitioner_groups(child, social_workers_only=True)
    form = AssessmentStartForm(
        request.POST or None, leads=leads, supervisors=supervisors, people={**people, **social_workers}
    )
    refusal = ""
    if request.method == "POST" and form.is_valid():
        lead, supervisor = form.person("lead_practitioner"), form.person("supervisor")
        assert lead is not None
        try:
            assessment = assessment_start(
                referral=referral,
                started_on=form.cleaned_data["started_on"],
                lead_practitioner=lead,
                supervisor=supervisor,
                by=user,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, form.field_for)
        except DomainError as exc:
            refusal = str(exc)
        else:
            messages.success(request, "Assessment started")
            return redirect("assessments:detail", child_id=child.pk, pk=assessment.pk)
    clock = selectors.clock_tag(clocks.clock_status("child_and_family_assessment", referral.referral_date))
    return _form_page(request, "start.html", child=child, referral=referral, form=form, clock=clock, refusal=refusal)


@require_GET
def detail(request: HttpRequest, child_id: int, pk: int) -> HttpResponse:
    found = _assessment(request, child_id, pk, "assessment")
    if isinstance(found, HttpResponse):
        return found
    child, assessment = found
    user = user_of(request)
    completion = selectors.loaded_completion(assessment)
    authorisation = selectors.loaded_authorisation(assessment)
    return render(
        request,
        "assessments/detail.html",
        {
            "child": child,
            "assessment": assessment,
            "referral": assessment.referral,
            "clock": selectors.assessment_clock(assessment, completion),
            "seen": list(assessment.seen.select_related("recorded_by")),
            "completion": completion,
            "factors": [(code, codes.factor_label(code)) for code in completion.factors] if completion else [],
            "primary_need": PrimaryNeed(completion.primary_need).label if completion else "",
            "outcome": AssessmentOutcome(completion.outcome) if completion else None,
            "authorisation": authorisation,
            "letters": selectors.letters_about(completion),
            "plans": list(assessment.referral.cin_plans.all()),
            "may_record": completion is None and perms.may_record(user, assessment),
            "may_complete": completion is None and perms.may_complete(user, assessment),
            "may_authorise": completion is not None and authorisation is None and perms.may_authorise(user, assessment),
            "may_start_plan": perms.may_start(user),
        },
    )


@require_http_methods(["GET", "POST"])
def seen(request: HttpRequest, child_id: int, pk: int) -> HttpResponse:
    found = _assessment(request, child_id, pk, "child seen form")
    if isinstance(found, HttpResponse):
        return found
    child, assessment = found
    user = user_of(request)
    perms.require(perms.may_record(user, assessment), "Only social care or the lead practitioner can record this")
    form = ChildSeenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            child_seen_record(
                assessment=assessment,
                seen_on=form.cleaned_data["seen_on"],
                seen_alone=form.cleaned_data["seen_alone"],
                note=form.cleaned_data["note"],
                by=user,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, form.field_for)
        else:
            messages.success(request, "Date the child was seen recorded")
            return redirect("assessments:detail", child_id=child.pk, pk=assessment.pk)
    return _form_page(request, "seen.html", child=child, assessment=assessment, form=form)


@require_http_methods(["GET", "POST"])
def complete(request: HttpRequest, child_id: int, pk: int) -> HttpResponse:
    found = _assessment(request, child_id, pk, "complete assessment form")
    if isinstance(found, HttpResponse):
        return found
    child, assessment = found
    user = user_of(request)
    perms.require(perms.may_complete(user, assessment), "Only the lead practitioner or a social worker can complete")
    if selectors.loaded_completion(assessment) is not None:
        messages.info(request, "This assessment has already been completed")
        return redirect("assessments:detail", child_id=child.pk, pk=assessment.pk)
    form = AssessmentCompleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assessment_complete(
                assessment=assessment,
                completed_on=data["completed_on"],
                factors=data["factors"],
                primary_need=data["primary_need"],
                analysis=data["analysis"],
                outcome=data["outcome"],
                late_reason=data["late_reason"],
                by=user,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, form.field_for)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Assessment completed. Letters have been written to the family and agencies")
            return redirect("assessments:detail", child_id=child.pk, pk=assessment.pk)
    clock = selectors.assessment_clock(assessment, None)
    return _form_page(request, "complete.html", child=child, assessment=assessment, form=form, clock=clock)


@require_http_methods(["GET", "POST"])
def authorise(request: HttpRequest, child_id: int, pk: int) -> HttpResponse:
    found = _assessment(request, child_id, pk, "authorise assessment form")
    if isinstance(found, HttpResponse):
        return found
    child, assessment = found
    user = user_of(request)
    if user.pk == assessment.lead_practitioner_id:
        raise PermissionDenied("The lead practitioner cannot authorise their own assessment")
    perms.require(perms.may_authorise(user, assessment), "Only the supervisor or a social work manager can authorise")
    completion = selectors.loaded_completion(assessment)
    if completion is None or selectors.loaded_authorisation(assessment) is not None:
        messages.info(request, "This assessment cannot be authorised now")
        return redirect("assessments:detail", child_id=child.pk, pk=assessment.pk)
    form = AuthoriseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            assessment_authorise(assessment=assessment, note=form.cleaned_data["note"], by=user)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Assessment authorised")
            return redirect("assessments:detail", child_id=child.pk, pk=assessment.pk)
    return _form_page(
        request,
        "authorise.html",
        child=child,
        assessment=assessment,
        completion=completion,
        outcome=AssessmentOutcome(completion.outcome),
        clock=selectors.assessment_clock(assessment, completion),
        form=form,
    )
