"""Strategy discussions and section 47 enquiries: the record, the forms, and their clocks."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from safeguarding.audit.models import Action
from safeguarding.audit.services import audit_record
from safeguarding.core.errors import DomainError
from safeguarding.core.forms import apply_service_errors
from safeguarding.frontdoor.models import Referral
from safeguarding.protection.forms import Section47CompleteForm, StrategyDiscussionForm
from safeguarding.protection.models import (
    REQUIRED_DISCIPLINES,
    Section47Completion,
    Section47Enquiry,
    Section47Outcome,
    StrategyDiscussion,
)
from safeguarding.protection.permissions import may_complete_section47, may_record_protection
from safeguarding.protection.selectors import section47_clocks
from safeguarding.protection.services import section47_complete, strategy_discussion_record
from safeguarding.protection.services.strategy import disciplines_phrase, missing_disciplines
from safeguarding.protection.views.common import choices, readable, recordable, refusals, user_of


@never_cache
@require_http_methods(["GET", "POST"])
@refusals
def strategy_new(request: HttpRequest, child_id: int, referral_id: int) -> HttpResponse:
    user = user_of(request)
    child = recordable(request, child_id, what="strategy discussion form")
    referral = get_object_or_404(Referral, pk=referral_id, child=child)
    people = choices()
    if request.method == "POST":
        form = StrategyDiscussionForm(request.POST, choices=people)
        if form.is_valid():
            try:
                discussion = strategy_discussion_record(referral=referral, by=user, **form.service_kwargs())
            except ValidationError as exc:
                apply_service_errors(form, exc, form.FIELD_FOR)
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Strategy discussion recorded")
                enquiry = getattr(discussion, "section47", None)
                if enquiry is not None:
                    return redirect("protection:section47", child.pk, enquiry.pk)
                return redirect("protection:strategy", child.pk, discussion.pk)
    else:
        form = StrategyDiscussionForm(choices=people, initial={"chair": str(user.pk)})
    return render(request, "protection/strategy_new.html", {"child": child, "referral": referral, "form": form})


@never_cache
@require_GET
@refusals
def strategy(request: HttpRequest, child_id: int, pk: int) -> HttpResponse:
    rows = StrategyDiscussion.objects.select_related("chair", "referral", "created_by")
    child, discussion = readable(request, child_id, rows, pk, what="strategy discussion")
    attendees = list(discussion.attendees.select_related("agency", "practitioner"))
    by_discipline = []
    for discipline in REQUIRED_DISCIPLINES:
        by_discipline.append((discipline.label, [a for a in attendees if a.discipline == discipline], True))
    others = [a for a in attendees if a.discipline not in REQUIRED_DISCIPLINES]
    missing = missing_disciplines(a.discipline for a in attendees)
    enquiry = Section47Enquiry.objects.filter(strategy_discussion=discussion).first()
    return render(
        request,
        "protection/strategy.html",
        {
            "child": child,
            "discussion": discussion,
            "by_discipline": by_discipline,
            "others": others,
            "missing": disciplines_phrase(missing) if missing else "",
            "enquiry": enquiry,
        },
    )


def _enquiry_rows():  # type: ignore[no-untyped-def]
    return Section47Enquiry.objects.select_related(
        "strategy_discussion",
        "strategy_discussion__referral",
        "lead_social_worker",
        "completion",
        "completion__completed_by",
        "initial_conference",
    )


@never_cache
@require_GET
@refusals
def section47(request: HttpRequest, child_id: int, pk: int) -> HttpResponse:
    user = user_of(request)
    child, enquiry = readable(request, child_id, _enquiry_rows(), pk, what="section 47 enquiry")
    completion = getattr(enquiry, "completion", None)
    conference = getattr(enquiry, "initial_conference", None)
    may_record = may_record_protection(user)
    conference_due = conference is None and (
        completion is None or completion.outcome == Section47Outcome.INITIAL_CONFERENCE
    )
    return render(
        request,
        "protection/section47.html",
        {
            "child": child,
            "enquiry": enquiry,
            "discussion": enquiry.strategy_discussion,
            "completion": completion,
            "conference": conference,
            "clocks": section47_clocks(enquiry),
            "may_complete": completion is None and may_complete_section47(user, enquiry),
            "may_start_conference": may_record and conference_due,
            "offer_cin_plan": may_record and completion is not None and completion.outcome == Section47Outcome.CIN_PLAN,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@refusals
def section47_complete_view(request: HttpRequest, child_id: int, pk: int) -> HttpResponse:
    user = user_of(request)
    child = recordable(request, child_id, what="section 47 completion form")
    enquiry = get_object_or_404(_enquiry_rows(), pk=pk, child=child)
    if not may_complete_section47(user, enquiry):
        audit_record(actor=user, action=Action.DENIED, child=child, obj=enquiry, detail={"what": "complete s47"})
        raise PermissionDenied("Only a social worker can complete a section 47 enquiry")
    if getattr(enquiry, "completion", None) is not None:
        messages.info(request, "This section 47 enquiry has already been completed")
        return redirect("protection:section47", child.pk, enquiry.pk)
    if request.method == "POST":
        form = Section47CompleteForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                section47_complete(
                    enquiry=enquiry,
                    completed_on=d["completed_on"],
                    findings=d["findings"],
                    outcome=d["outcome"],
                    by=user,
                )
            except ValidationError as exc:
                apply_service_errors(form, exc, form.FIELD_FOR)
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Section 47 enquiry completed")
                return redirect("protection:section47", child.pk, enquiry.pk)
    else:
        form = Section47CompleteForm()
    return render(
        request,
        "protection/section47_complete.html",
        {"child": child, "enquiry": enquiry, "clocks": section47_clocks(enquiry), "form": form},
    )


@require_GET
@refusals
def section47_completion(request: HttpRequest, child_id: int, pk: int) -> HttpResponse:
    """The chronology's link for a completion: the enquiry's page."""
    enquiry_id = (
        Section47Completion.objects.filter(pk=pk, enquiry__child_id=child_id)
        .values_list("enquiry_id", flat=True)
        .first()
    )
    child, enquiry = readable(
        request, child_id, Section47Enquiry.objects.all(), enquiry_id or 0, what="section 47 enquiry"
    )
    return redirect("protection:section47", child.pk, enquiry.pk)
