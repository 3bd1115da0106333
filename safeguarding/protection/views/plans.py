"""The child protection plan: its page, core group, statutory visits and its end."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from safeguarding.core.errors import DomainError
from safeguarding.core.forms import apply_service_errors
from safeguarding.people.models import Child
from safeguarding.protection.models import (
    ConferenceInvitee,
    CoreGroupMeeting,
    PlanEnd,
    ProtectionPlan,
    StatutoryVisit,
)
from safeguarding.protection.permissions import may_record_protection
from safeguarding.protection.plan_forms import (
    CoreGroupMeetingForm,
    CoreGroupMemberForm,
    PlanEndForm,
    StatutoryVisitForm,
)
from safeguarding.protection.selectors import plan_view
from safeguarding.protection.services import (
    core_group_meeting_record,
    core_group_member_add,
    plan_end,
    statutory_visit_record,
)
from safeguarding.protection.views.common import choices, readable, recordable, refusals, user_of

PLAN_ROWS = ProtectionPlan.objects.select_related(
    "initial_conference", "initial_conference__chair", "lead_social_worker", "referral"
)


@never_cache
@require_GET
@refusals
def plan(request: HttpRequest, child_id: int, pk: int) -> HttpResponse:
    child, row = readable(request, child_id, PLAN_ROWS, pk, what="child protection plan")
    view = plan_view(row)
    return render(
        request,
        "protection/plan.html",
        {"child": child, "plan": row, "view": view, "may_record": may_record_protection(user_of(request))},
    )


def _open_plan(request: HttpRequest, child_id: int, pk: int, *, what: str) -> tuple[Child, ProtectionPlan]:
    child = recordable(request, child_id, what=what)
    return child, get_object_or_404(PLAN_ROWS, pk=pk, child=child)


def _plan_form(
    request: HttpRequest,
    child_id: int,
    pk: int,
    *,
    what: str,
    form_class: Any,
    save: Any,
    done: str,
    template: str,
    anchor: str,
    with_choices: bool = False,
) -> HttpResponse:
    """A form about an open plan: on success the service's message and back to the plan."""
    child, row = _open_plan(request, child_id, pk, what=what)
    if PlanEnd.objects.filter(plan=row).exists():
        messages.info(request, "This plan has ended")
        return redirect("protection:plan", child.pk, row.pk)
    extra = {"choices": choices()} if with_choices else {}
    form = form_class(request.POST if request.method == "POST" else None, **extra)
    if request.method == "POST" and form.is_valid():
        try:
            save(row, form)
        except ValidationError as exc:
            apply_service_errors(form, exc, form.FIELD_FOR)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, done)
            return redirect(reverse("protection:plan", args=[child.pk, row.pk]) + f"#{anchor}")
    return render(request, template, {"child": child, "plan": row, "form": form})


@never_cache
@require_http_methods(["GET", "POST"])
@refusals
def core_group_member_new(request: HttpRequest, child_id: int, pk: int) -> HttpResponse:
    by = user_of(request)
    return _plan_form(
        request,
        child_id,
        pk,
        what="core group member form",
        form_class=CoreGroupMemberForm,
        save=lambda row, form: core_group_member_add(plan=row, by=by, **form.service_kwargs()),
        done="Added to the core group",
        template="protection/core_group_member_new.html",
        anchor="core-group",
        with_choices=True,
    )


@never_cache
@require_http_methods(["GET", "POST"])
@refusals
def core_group_meeting_new(request: HttpRequest, child_id: int, pk: int) -> HttpResponse:
    by = user_of(request)

    def save(row: ProtectionPlan, form: CoreGroupMeetingForm) -> None:
        d = form.cleaned_data
        core_group_meeting_record(plan=row, held_on=d["held_on"], attendees=d["attendees"], summary=d["summary"], by=by)

    return _plan_form(
        request,
        child_id,
        pk,
        what="core group meeting form",
        form_class=CoreGroupMeetingForm,
        save=save,
        done="Core group meeting recorded",
        template="protection/core_group_meeting_new.html",
        anchor="core-group",
    )


@never_cache
@require_http_methods(["GET", "POST"])
@refusals
def visit_new(request: HttpRequest, child_id: int, pk: int) -> HttpResponse:
    by = user_of(request)
    return _plan_form(
        request,
        child_id,
        pk,
        what="statutory visit form",
        form_class=StatutoryVisitForm,
        save=lambda row, form: statutory_visit_record(plan=row, by=by, **form.service_kwargs()),
        done="Visit recorded",
        template="protection/visit_new.html",
        anchor="visits",
    )


@never_cache
@require_http_methods(["GET", "POST"])
@refusals
def plan_end_view(request: HttpRequest, child_id: int, pk: int) -> HttpResponse:
    """End a plan for a reason other than a review conference's decision, after a
    confirmation page: it cannot be undone, and everyone invited to the ICPC is written to."""
    user = user_of(request)
    child, row = _open_plan(request, child_id, pk, what="plan end form")
    if PlanEnd.objects.filter(plan=row).exists():
        messages.info(request, "This plan has already ended")
        return redirect("protection:plan", child.pk, row.pk)
    invitees = list(ConferenceInvitee.objects.filter(conference=row.initial_conference).select_related("agency"))
    form = PlanEndForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if request.POST.get("confirm") != "yes":
            return render(
                request,
                "protection/plan_end_confirm.html",
                {"child": child, "plan": row, "form": form, "invitees": invitees},
            )
        d = form.cleaned_data
        try:
            plan_end(plan=row, ended_on=d["ended_on"], reason=d["reason"], note=d["note"], by=user)
        except ValidationError as exc:
            apply_service_errors(form, exc, form.FIELD_FOR)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The plan has ended and everyone invited to the initial conference has been told")
            return redirect("protection:plan", child.pk, row.pk)
    return render(
        request, "protection/plan_end.html", {"child": child, "plan": row, "form": form, "invitees": invitees}
    )


# The chronology links to the record an entry came from; these records are shown on the plan.


def _to_plan(request: HttpRequest, child_id: int, plan_id: int | None, anchor: str) -> HttpResponse:
    child, row = readable(request, child_id, ProtectionPlan.objects.all(), plan_id or 0, what="child protection plan")
    return redirect(reverse("protection:plan", args=[child.pk, row.pk]) + f"#{anchor}")


@require_GET
@refusals
def core_group_meeting(request: HttpRequest, child_id: int, pk: int) -> HttpResponse:
    plan_id = CoreGroupMeeting.objects.filter(pk=pk, plan__child_id=child_id).values_list("plan_id", flat=True).first()
    return _to_plan(request, child_id, plan_id, "core-group")


@require_GET
@refusals
def visit(request: HttpRequest, child_id: int, pk: int) -> HttpResponse:
    plan_id = StatutoryVisit.objects.filter(pk=pk, plan__child_id=child_id).values_list("plan_id", flat=True).first()
    return _to_plan(request, child_id, plan_id, "visits")


@require_GET
@refusals
def plan_ended(request: HttpRequest, child_id: int, pk: int) -> HttpResponse:
    plan_id = PlanEnd.objects.filter(pk=pk, plan__child_id=child_id).values_list("plan_id", flat=True).first()
    return _to_plan(request, child_id, plan_id, "end")
