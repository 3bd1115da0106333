"""Pages of an early help episode: starting it (with step down from social care), the
episode itself, the episodes I lead, consent, step up and closure.

Access: every view fetches the child with `child_for` (audited), then the episode filtered by
that child. Who may act follows earlyhelp/permissions.py. Views never write: they call the
services. The work of the episode (assessment, team, plan, reviews, conferences) is in
work_views.py.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from safeguarding.audit.models import Action
from safeguarding.audit.services import audit_record
from safeguarding.core.errors import DomainError
from safeguarding.core.forms import apply_service_errors
from safeguarding.earlyhelp import permissions as perms
from safeguarding.earlyhelp import selectors
from safeguarding.earlyhelp.forms import CloseForm, ConsentForm, StartForm, StepUpForm
from safeguarding.earlyhelp.models import ConsentKind
from safeguarding.earlyhelp.pages import (
    ACT_REFUSED,
    confirm_page,
    episode_or_refusal,
    needs_confirmation,
    open_episode_to_act,
    redirect_to_episode,
    start_target,
    user_of,
)
from safeguarding.earlyhelp.services import consent_record, episode_close, episode_start, step_up
from safeguarding.frontdoor.models import Contact, Referral
from safeguarding.people.models import Child

PAGE_SIZE = 25


def _id(value: str | None) -> int | None:
    if not value:
        return None
    if not value.isdigit():
        raise Http404("No such record")
    return int(value)


def _step_down_from(request: HttpRequest, child: Child) -> tuple[Contact | None, Referral | None]:
    """The contact (decided early help) or the referral early help steps down from, if any."""
    contact_id, referral_id = _id(request.GET.get("contact")), _id(request.GET.get("referral"))
    contact = selectors.step_down_contact(child, contact_id) if contact_id else None
    referral = selectors.step_down_referral(child, referral_id) if referral_id else None
    if (contact_id and contact is None) or (referral_id and referral is None):
        raise Http404("No such contact or referral for this child")
    return contact, referral


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, child_id: int) -> HttpResponse:
    found = start_target(request, child_id)
    if isinstance(found, HttpResponse):
        return found
    child, basis = found
    user = user_of(request)
    perms.require(
        perms.may_start(user, basis),
        "Early help can be started by practitioners working with the child, early help workers or the front door",
    )
    contact, referral = _step_down_from(request, child)
    leads, people = selectors.practitioner_choices()
    initial = {"lead_practitioner": user.pk} if user.pk in people else {}
    form = StartForm(request.POST or None, leads=leads, initial=initial)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            episode = episode_start(
                child=child,
                started_on=data["started_on"],
                lead_practitioner=people.get(data["lead_practitioner"]),
                lead_chosen_with_family=data["lead_chosen_with_family"],
                lead_choice_note=data["lead_choice_note"],
                consent_given_by=data["consent_given_by"],
                consent_relationship=data["consent_relationship"],
                consent_on=data["consent_on"],
                by=user,
                from_contact=contact,
                from_referral=referral,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, form.field_for)
        except DomainError as exc:
            refusal = str(exc)
        else:
            messages.success(request, "Early help started")
            return redirect_to_episode(episode)
    context: dict[str, Any] = {
        "child": child,
        "form": form,
        "refusal": refusal,
        "contact": contact,
        "contact_decision": selectors.loaded(contact, "decision") if contact else None,
        "referral": referral,
        "referral_closure": selectors.loaded(referral, "closure") if referral else None,
        "open_episode": selectors.open_episode(child),
    }
    return render(request, "earlyhelp/start.html", context)


@require_GET
def episode(request: HttpRequest, child_id: int, pk: int) -> HttpResponse:
    found = episode_or_refusal(request, child_id, pk, "early help episode")
    if isinstance(found, HttpResponse):
        return found
    child, _basis, ep = found
    page = selectors.episode_page(ep)
    may_act = page.closure is None and perms.may_act(user_of(request), ep, page.team_user_ids)
    return render(request, "earlyhelp/episode.html", {"child": child, "page": page, "episode": ep, "may_act": may_act})


@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The open episodes I lead, the next review due first."""
    user = user_of(request)
    paginator = Paginator(selectors.led_by(user), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = [{"episode": ep, "clock": selectors.listed_review_clock(ep)} for ep in page.object_list]
    # The list names children: which were shown, and to whom, is on the record.
    audit_record(
        actor=user,
        action=Action.VIEW,
        detail={"what": "early help I lead", "page": page.number, "episodes": [ep.pk for ep in page.object_list]},
    )
    return render(
        request,
        "earlyhelp/mine.html",
        {"page": page, "rows": rows, "page_range": paginator.get_elided_page_range(page.number)},
    )


@require_http_methods(["GET", "POST"])
def consent(request: HttpRequest, child_id: int, pk: int) -> HttpResponse:
    found = open_episode_to_act(request, child_id, pk, "early help consent form")
    if isinstance(found, HttpResponse):
        return found
    child, ep = found
    form = ConsentForm(request.POST or None)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["kind"] == ConsentKind.WITHDRAWN and needs_confirmation(request):
            return confirm_page(
                request,
                child=child,
                episode=ep,
                heading="Are you sure the family has withdrawn consent?",
                body="Early help is voluntary. Recording that consent was withdrawn ends the episode: the team "
                "around the family will no longer have access through it. This cannot be undone.",
                button="Yes, consent was withdrawn",
            )
        try:
            consent_record(
                episode=ep,
                kind=data["kind"],
                given_by=data["given_by"],
                relationship_to_child=data["relationship_to_child"],
                on=data["on"],
                note=data["note"],
                by=user_of(request),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, form.field_for)
        except DomainError as exc:
            refusal = str(exc)
        else:
            withdrawn = data["kind"] == ConsentKind.WITHDRAWN
            messages.success(request, "Consent withdrawn: early help has ended" if withdrawn else "Consent recorded")
            return redirect_to_episode(ep)
    return render(request, "earlyhelp/consent.html", {"child": child, "episode": ep, "form": form, "refusal": refusal})


@require_http_methods(["GET", "POST"])
def step_up_view(request: HttpRequest, child_id: int, pk: int) -> HttpResponse:
    found = open_episode_to_act(request, child_id, pk, "early help step up form")
    if isinstance(found, HttpResponse):
        return found
    child, ep = found
    user = user_of(request)
    perms.require(user.agency_id is not None, ACT_REFUSED)
    form = StepUpForm(request.POST or None)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            step_up(
                episode=ep,
                concern=data["concern"],
                action_taken=data["action_taken"],
                categories=data["categories"],
                immediate_danger=data["immediate_danger"],
                family_aware=data["family_aware"],
                consent=data["consent"],
                consent_reason=data["consent_reason"],
                by=user,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, {})
        except DomainError as exc:
            refusal = str(exc)
        else:
            messages.success(request, "Referral made to the front door. Early help has ended")
            return redirect_to_episode(ep)
    return render(request, "earlyhelp/step_up.html", {"child": child, "episode": ep, "form": form, "refusal": refusal})


@require_http_methods(["GET", "POST"])
def close(request: HttpRequest, child_id: int, pk: int) -> HttpResponse:
    """The confirmation page is the form itself: it says what closing does before it is done."""
    found = open_episode_to_act(request, child_id, pk, "close early help form")
    if isinstance(found, HttpResponse):
        return found
    child, ep = found
    form = CloseForm(request.POST or None)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            episode_close(
                episode=ep, closed_on=data["closed_on"], reason=data["reason"], note=data["note"], by=user_of(request)
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, form.field_for)
        except DomainError as exc:
            refusal = str(exc)
        else:
            messages.success(request, "Early help closed")
            return redirect_to_episode(ep)
    return render(request, "earlyhelp/close.html", {"child": child, "episode": ep, "form": form, "refusal": refusal})
