"""Child protection conferences: the initial conference (from a section 47 enquiry) and reviews."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from safeguarding.core.clocks import clock_status
from safeguarding.core.errors import DomainError
from safeguarding.core.forms import apply_service_errors
from safeguarding.protection.models import (
    Conference,
    ConferenceDecision,
    ConferenceKind,
    PlanEnd,
    ProtectionPlan,
    Section47Enquiry,
    Section47Outcome,
)
from safeguarding.protection.permissions import may_record_protection
from safeguarding.protection.plan_forms import InitialConferenceForm, ReviewConferenceForm
from safeguarding.protection.selectors import section47_clocks
from safeguarding.protection.services import initial_conference_record, review_conference_record
from safeguarding.protection.views.common import choices, readable, recordable, refusals, user_of


def _save(request: HttpRequest, form: Any, record: Any, **kwargs: Any) -> Conference | None:
    """Call the service with the form's data; its refusals go on the form."""
    if not form.is_valid():
        return None
    try:
        return record(by=user_of(request), **kwargs, **form.service_kwargs())  # type: ignore[no-any-return]
    except ValidationError as exc:
        apply_service_errors(form, exc, form.FIELD_FOR)
    except DomainError as exc:
        form.add_error(None, str(exc))
    return None


@never_cache
@require_http_methods(["GET", "POST"])
@refusals
def conference_new(request: HttpRequest, child_id: int, pk: int) -> HttpResponse:
    """The initial child protection conference of a section 47 enquiry."""
    user = user_of(request)
    child = recordable(request, child_id, what="initial conference form")
    enquiry = get_object_or_404(
        Section47Enquiry.objects.select_related("strategy_discussion", "completion", "initial_conference"),
        pk=pk,
        child=child,
    )
    held = getattr(enquiry, "initial_conference", None)
    if held is not None:
        messages.info(request, "The initial conference for this enquiry has already been recorded")
        return redirect("protection:conference", child.pk, held.pk)
    completion = getattr(enquiry, "completion", None)
    if request.method == "GET" and completion is not None and completion.outcome != Section47Outcome.INITIAL_CONFERENCE:
        messages.info(request, "This enquiry did not recommend an initial child protection conference")
        return redirect("protection:section47", child.pk, enquiry.pk)
    people = choices()
    if request.method == "POST":
        form = InitialConferenceForm(request.POST, choices=people)
        conference = _save(request, form, initial_conference_record, section47=enquiry)
        if conference is not None:
            made = ProtectionPlan.objects.filter(initial_conference=conference).first()
            if made is not None:
                messages.success(request, "Conference recorded: the child protection plan has started")
                return redirect("protection:plan", child.pk, made.pk)
            messages.success(request, "Conference recorded")
            return redirect("protection:conference", child.pk, conference.pk)
    else:
        form = InitialConferenceForm(choices=people, initial={"chair": str(user.pk)})
    return render(
        request,
        "protection/conference_new.html",
        {"child": child, "enquiry": enquiry, "clocks": section47_clocks(enquiry), "form": form, "initial": True},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@refusals
def review_new(request: HttpRequest, child_id: int, pk: int) -> HttpResponse:
    user = user_of(request)
    child = recordable(request, child_id, what="review conference form")
    plan = get_object_or_404(ProtectionPlan.objects.select_related("initial_conference"), pk=pk, child=child)
    if PlanEnd.objects.filter(plan=plan).exists():
        messages.info(request, "This plan has ended: there is nothing to review")
        return redirect("protection:plan", child.pk, plan.pk)
    people = choices()
    if request.method == "POST":
        form = ReviewConferenceForm(request.POST, choices=people)
        conference = _save(request, form, review_conference_record, plan=plan)
        if conference is not None:
            if conference.decision == ConferenceDecision.END:
                messages.success(request, "Review recorded: the plan has ended and the invitees have been told")
            else:
                messages.success(request, "Review conference recorded")
            return redirect("protection:plan", child.pk, plan.pk)
    else:
        form = ReviewConferenceForm(choices=people, initial={"chair": str(user.pk)})
    return render(
        request,
        "protection/conference_new.html",
        {"child": child, "plan": plan, "form": form, "initial": False},
    )


@never_cache
@require_GET
@refusals
def conference(request: HttpRequest, child_id: int, pk: int) -> HttpResponse:
    rows = Conference.objects.select_related(
        "chair", "section47", "section47__strategy_discussion", "section47__strategy_discussion__referral", "plan"
    )
    child, row = readable(request, child_id, rows, pk, what="child protection conference")
    invitees = list(row.invitees.select_related("agency", "practitioner"))
    clock = None
    referral_id = None
    if row.kind == ConferenceKind.INITIAL and row.section47 is not None:
        discussion = row.section47.strategy_discussion
        clock = clock_status("initial_conference", discussion.held_on, completed_on=row.held_on)
        referral_id = discussion.referral_id
    plan_made = ProtectionPlan.objects.filter(initial_conference=row).first()
    plan = row.plan or plan_made
    if plan is not None:
        referral_id = plan.referral_id
    return render(
        request,
        "protection/conference.html",
        {
            "child": child,
            "conference": row,
            "invitees": invitees,
            "attended": sum(1 for i in invitees if i.attended),
            "reports": sum(1 for i in invitees if i.report_provided),
            "clock": clock,
            "plan": plan,
            "plan_made": plan_made,
            "referral_id": referral_id,
            "offer_cin_plan": may_record_protection(user_of(request))
            and row.decision in (ConferenceDecision.CIN_PLAN, ConferenceDecision.END),
        },
    )
