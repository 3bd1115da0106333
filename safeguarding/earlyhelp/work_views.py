"""Pages for the work of an open episode: the early help assessment, the team around the
family, the family plan's actions, reviews and family group conferences.

Each fetches the child through `child_for` and the episode filtered by that child, lets only
those who may act on the episode in, and sends anyone back to the episode once it has ended.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from safeguarding.core.errors import DomainError
from safeguarding.core.forms import apply_service_errors
from safeguarding.earlyhelp import selectors
from safeguarding.earlyhelp.forms import (
    ActionDoneForm,
    ActionForm,
    AssessmentForm,
    ConferenceForm,
    ReviewForm,
    TeamMemberForm,
)
from safeguarding.earlyhelp.models import FamilyPlanAction, ReviewOutcome
from safeguarding.earlyhelp.pages import (
    confirm_page,
    needs_confirmation,
    open_episode_to_act,
    redirect_to_episode,
    user_of,
)
from safeguarding.earlyhelp.services import (
    early_help_assessment_record,
    early_help_review_record,
    family_group_conference_record,
    plan_action_add,
    plan_action_done,
    taf_member_add,
)


def _submit(form: Any, call: Callable[[], Any]) -> tuple[bool, str]:
    """Call the service; its refusal goes on the form. (done, refusal)"""
    try:
        call()
    except ValidationError as exc:
        apply_service_errors(form, exc, form.field_for)
    except DomainError as exc:
        return False, str(exc)
    else:
        return True, ""
    return False, ""


@require_http_methods(["GET", "POST"])
def assessment_new(request: HttpRequest, child_id: int, pk: int) -> HttpResponse:
    found = open_episode_to_act(request, child_id, pk, "early help assessment form")
    if isinstance(found, HttpResponse):
        return found
    child, ep = found
    form = AssessmentForm(request.POST or None)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        done, refusal = _submit(
            form,
            lambda: early_help_assessment_record(
                episode=ep,
                completed_on=d["completed_on"],
                needs=d["needs"],
                strengths=d["strengths"],
                childs_views=d["childs_views"],
                family_views=d["family_views"],
                summary=d["summary"],
                by=user_of(request),
            ),
        )
        if done:
            messages.success(request, "Early help assessment recorded")
            return redirect_to_episode(ep)
    context = {"child": child, "episode": ep, "form": form, "refusal": refusal}
    return render(request, "earlyhelp/assessment.html", context)


@require_http_methods(["GET", "POST"])
def team_add(request: HttpRequest, child_id: int, pk: int) -> HttpResponse:
    found = open_episode_to_act(request, child_id, pk, "team around the family form")
    if isinstance(found, HttpResponse):
        return found
    child, ep = found
    in_team = set(ep.team.exclude(practitioner=None).values_list("practitioner_id", flat=True))
    practitioners, people = selectors.practitioner_choices(exclude=in_team)
    agencies, agency_by_id = selectors.agency_choices()
    form = TeamMemberForm(request.POST or None, practitioners=practitioners, agencies=agencies)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        done, refusal = _submit(
            form,
            lambda: taf_member_add(
                episode=ep,
                practitioner=people.get(d["practitioner"]) if d["practitioner"] else None,
                name=d["name"],
                agency=agency_by_id.get(d["agency"]) if d["agency"] else None,
                role=d["role"],
                by=user_of(request),
            ),
        )
        if done:
            messages.success(request, "Added to the team around the family")
            return redirect_to_episode(ep)
    context = {"child": child, "episode": ep, "form": form, "refusal": refusal}
    return render(request, "earlyhelp/team_add.html", context)


@require_http_methods(["GET", "POST"])
def action_new(request: HttpRequest, child_id: int, pk: int) -> HttpResponse:
    found = open_episode_to_act(request, child_id, pk, "family plan action form")
    if isinstance(found, HttpResponse):
        return found
    child, ep = found
    members = list(ep.team.exclude(practitioner=None).select_related("practitioner"))
    owners = {m.practitioner_id: m.practitioner for m in members}
    form = ActionForm(request.POST or None, owners=[(m.practitioner_id, f"{m.name} ({m.role})") for m in members])
    refusal = ""
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        done, refusal = _submit(
            form,
            lambda: plan_action_add(
                episode=ep,
                action=d["action"],
                owner_name=d["owner_name"],
                owner=owners.get(d["owner"]) if d["owner"] else None,
                due_on=d["due_on"],
                by=user_of(request),
            ),
        )
        if done:
            messages.success(request, "Action added to the family plan")
            return redirect_to_episode(ep)
    context = {"child": child, "episode": ep, "form": form, "refusal": refusal}
    return render(request, "earlyhelp/action_new.html", context)


@require_http_methods(["GET", "POST"])
def action_done(request: HttpRequest, child_id: int, pk: int, action_id: int) -> HttpResponse:
    found = open_episode_to_act(request, child_id, pk, "family plan action done form")
    if isinstance(found, HttpResponse):
        return found
    child, ep = found
    action = get_object_or_404(FamilyPlanAction.objects.select_related("done"), pk=action_id, episode=ep)
    if selectors.loaded(action, "done") is not None:
        messages.info(request, "This action has already been marked as done")
        return redirect_to_episode(ep)
    form = ActionDoneForm(request.POST or None)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        done, refusal = _submit(
            form,
            lambda: plan_action_done(action=action, done_on=d["done_on"], note=d["note"], by=user_of(request)),
        )
        if done:
            messages.success(request, "Action marked as done")
            return redirect_to_episode(ep)
    context = {"child": child, "episode": ep, "action": action, "form": form, "refusal": refusal}
    return render(request, "earlyhelp/action_done.html", context)


@require_http_methods(["GET", "POST"])
def review_new(request: HttpRequest, child_id: int, pk: int) -> HttpResponse:
    found = open_episode_to_act(request, child_id, pk, "early help review form")
    if isinstance(found, HttpResponse):
        return found
    child, ep = found
    form = ReviewForm(request.POST or None)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if d["outcome"] == ReviewOutcome.CLOSE and needs_confirmation(request):
            return confirm_page(
                request,
                child=child,
                episode=ep,
                heading="Are you sure early help should close?",
                body="The review will be recorded and early help will end because the family's needs are met. "
                "The team around the family will no longer have access through it, and the family will be "
                "told in writing. This cannot be undone.",
                button="Yes, record the review and close",
            )
        done, refusal = _submit(
            form,
            lambda: early_help_review_record(
                episode=ep, held_on=d["held_on"], progress=d["progress"], outcome=d["outcome"], by=user_of(request)
            ),
        )
        if done:
            if d["outcome"] == ReviewOutcome.STEP_UP:
                messages.success(request, "Review recorded. Now make the referral to children's social care")
                return redirect("earlyhelp:step-up", child_id=child.pk, pk=ep.pk)
            messages.success(request, "Review recorded" + (": early help has ended" if d["outcome"] == "close" else ""))
            return redirect_to_episode(ep)
    clock = selectors.review_clock(ep, ep.reviews.order_by("-held_on").values_list("held_on", flat=True).first())
    context = {"child": child, "episode": ep, "form": form, "refusal": refusal, "clock": clock}
    return render(request, "earlyhelp/review.html", context)


@require_http_methods(["GET", "POST"])
def fgc_new(request: HttpRequest, child_id: int, pk: int) -> HttpResponse:
    found = open_episode_to_act(request, child_id, pk, "family group conference form")
    if isinstance(found, HttpResponse):
        return found
    child, ep = found
    form = ConferenceForm(request.POST or None)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        done, refusal = _submit(
            form,
            lambda: family_group_conference_record(
                episode=ep,
                held_on=d["held_on"],
                family_network=d["family_network"],
                plan_agreed=d["plan_agreed"],
                by=user_of(request),
            ),
        )
        if done:
            messages.success(request, "Family group conference recorded")
            return redirect_to_episode(ep)
    context = {"child": child, "episode": ep, "form": form, "refusal": refusal}
    return render(request, "earlyhelp/fgc.html", context)
