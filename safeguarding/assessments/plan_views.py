"""Pages of the child in need plan: start, the plan with its reviews and review clock, a
review, and the end of the plan (after a confirmation page).

Same access as the assessment pages (views.py): `child_for`, then the row by that child.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from safeguarding.assessments import permissions as perms
from safeguarding.assessments import selectors
from safeguarding.assessments.forms import CINPlanEndForm, CINPlanReviewForm, CINPlanStartForm
from safeguarding.assessments.models import Assessment, CINPlan
from safeguarding.assessments.services import cin_plan_end, cin_plan_review, cin_plan_start
from safeguarding.assessments.views import child_or_refusal, user_of
from safeguarding.core.errors import DomainError
from safeguarding.core.forms import apply_service_errors
from safeguarding.frontdoor.models import Referral
from safeguarding.people.models import Child


def _assessment_from(request: HttpRequest, child: Child, referral: Referral) -> Assessment | None:
    """The assessment the plan follows, when the link from the assessment page names it."""
    raw = request.POST.get("assessment") or request.GET.get("assessment") or ""
    if not raw.isdigit():
        return None
    return get_object_or_404(Assessment, pk=int(raw), child=child, referral=referral)


@require_http_methods(["GET", "POST"])
def plan_start(request: HttpRequest, child_id: int, referral_id: int) -> HttpResponse:
    child = child_or_refusal(request, child_id, "start child in need plan form")
    if isinstance(child, HttpResponse):
        return child
    referral = get_object_or_404(Referral, pk=referral_id, child=child)
    user = user_of(request)
    perms.require(perms.may_start(user), "Only children's social care can start a child in need plan")
    assessment = _assessment_from(request, child, referral)
    leads, people = selectors.practitioner_groups(child)
    form = CINPlanStartForm(request.POST or None, leads=leads, people=people)
    if request.method == "POST" and form.is_valid():
        lead = form.person("lead_practitioner")
        assert lead is not None
        try:
            plan = cin_plan_start(
                referral=referral,
                started_on=form.cleaned_data["started_on"],
                lead_practitioner=lead,
                plan=form.cleaned_data["plan"],
                by=user,
                assessment=assessment,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, form.field_for)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Child in need plan started")
            return redirect("assessments:cin-plan", child_id=child.pk, pk=plan.pk)
    return render(
        request,
        "assessments/cin_plan_start.html",
        {"child": child, "referral": referral, "assessment": assessment, "form": form},
    )


def _plan(request: HttpRequest, child_id: int, pk: int, what: str) -> tuple[Child, CINPlan] | HttpResponse:
    child = child_or_refusal(request, child_id, what)
    if isinstance(child, HttpResponse):
        return child
    return child, get_object_or_404(selectors.plans_for_page(child), pk=pk)


@require_GET
def plan_detail(request: HttpRequest, child_id: int, pk: int) -> HttpResponse:
    found = _plan(request, child_id, pk, "child in need plan")
    if isinstance(found, HttpResponse):
        return found
    child, plan = found
    reviews, clock = selectors.plan_reviews(plan)
    end = selectors.plan_end_of(plan)
    return render(
        request,
        "assessments/cin_plan.html",
        {
            "child": child,
            "plan": plan,
            "reviews": reviews,
            "clock": clock,
            "end": end,
            "may_act": end is None and perms.may_act_on_plan(user_of(request), plan),
        },
    )


def _open_plan(request: HttpRequest, child_id: int, pk: int, what: str) -> tuple[Child, CINPlan] | HttpResponse:
    found = _plan(request, child_id, pk, what)
    if isinstance(found, HttpResponse):
        return found
    child, plan = found
    perms.require(
        perms.may_act_on_plan(user_of(request), plan), "Only social care or the plan's lead practitioner can do this"
    )
    if selectors.plan_end_of(plan) is not None:
        messages.info(request, "This plan has ended")
        return redirect("assessments:cin-plan", child_id=child.pk, pk=plan.pk)
    return child, plan


@require_http_methods(["GET", "POST"])
def plan_review(request: HttpRequest, child_id: int, pk: int) -> HttpResponse:
    found = _open_plan(request, child_id, pk, "child in need plan review form")
    if isinstance(found, HttpResponse):
        return found
    child, plan = found
    form = CINPlanReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cin_plan_review(
                plan=plan,
                held_on=form.cleaned_data["held_on"],
                summary=form.cleaned_data["summary"],
                by=user_of(request),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, form.field_for)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Review recorded")
            return redirect("assessments:cin-plan", child_id=child.pk, pk=plan.pk)
    _reviews, clock = selectors.plan_reviews(plan)
    return render(
        request, "assessments/cin_plan_review.html", {"child": child, "plan": plan, "form": form, "clock": clock}
    )


@require_http_methods(["GET", "POST"])
def plan_end(request: HttpRequest, child_id: int, pk: int) -> HttpResponse:
    found = _open_plan(request, child_id, pk, "end child in need plan form")
    if isinstance(found, HttpResponse):
        return found
    child, plan = found
    form = CINPlanEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cin_plan_end(
                plan=plan,
                ended_on=form.cleaned_data["ended_on"],
                reason=form.cleaned_data["reason"],
                by=user_of(request),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, form.field_for)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Child in need plan ended")
            return redirect("assessments:cin-plan", child_id=child.pk, pk=plan.pk)
    return render(request, "assessments/cin_plan_end.html", {"child": child, "plan": plan, "form": form})
