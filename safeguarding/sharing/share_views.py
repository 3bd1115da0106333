"""Recording, reading and amending the record of every share (shares.py).

Access: every view fetches the child with `child_for` (which audits the opening, or its
refusal); a record is found only within `shares_visible_to` (one the user may not see is a
404). Recording needs a working relationship (`shares.recording_refusal`): emergency access
reads, it does not record. Only the agency that recorded a share amends it.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import dateformat
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from safeguarding.access.models import User
from safeguarding.access.permissions import Basis
from safeguarding.access.services import child_for
from safeguarding.audit.models import Action
from safeguarding.audit.services import audit_record
from safeguarding.concerns.models import LawfulBasis
from safeguarding.core.errors import DomainError, NoRelationship
from safeguarding.core.forms import apply_service_errors
from safeguarding.people.models import Child
from safeguarding.sharing.models import (
    FamilyTold,
    InformationShare,
    ShareChannel,
    ShareConsent,
    ShareDecision,
)
from safeguarding.sharing.share_forms import AmendInformationShareForm, InformationShareForm, ShareStartForm
from safeguarding.sharing.shares import (
    GOLDEN_RULES,
    SpecialCategoryCondition,
    child_shares,
    information_share_amend,
    information_share_record,
    may_amend_share,
    recipient_label,
    recording_refusal,
    share_rows,
    shares_visible_to,
)

PAGE_SIZE = 50
# The decision is part of the address: the questions differ.
DECISION_SLUGS = {"shared": ShareDecision.SHARED, "not-shared": ShareDecision.NOT_SHARED}
SLUG_FOR = {decision.value: slug for slug, decision in DECISION_SLUGS.items()}
START_SUBMITTED = "answered"

FIELD_LABELS = {
    "decided_on": "Date",
    "with_agency": "Agency",
    "with_person": "Person and role",
    "channel": "How",
    "what": "What",
    "why": "Why",
    "lawful_basis": "Lawful basis (UK GDPR Article 6)",
    "special_category": "Special category information",
    "special_category_condition": "Schedule 1 condition (DPA 2018)",
    "consent": "Consent",
    "consent_reason": "Reason about consent",
    "family_told": "Family told",
    "family_not_told_reason": "Why the family was not told",
}
CHOICES: dict[str, Any] = {
    "decision": ShareDecision,
    "channel": ShareChannel,
    "lawful_basis": LawfulBasis,
    "special_category_condition": SpecialCategoryCondition,
    "consent": ShareConsent,
    "family_told": FamilyTold,
}


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _record_url(child_id: int) -> str:
    return reverse("people:record", args=[child_id])


def _no_relationship(request: HttpRequest, child_id: int) -> HttpResponse:
    """403 that shows nothing of the child (child_for has audited the refusal)."""
    user = _user(request)
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


def _refused(request: HttpRequest, child: Child, basis: Basis, why: str) -> HttpResponse:
    audit_record(
        actor=_user(request),
        action=Action.DENIED,
        child=child,
        detail={"what": "record information sharing", "basis": basis.value},
    )
    return render(
        request,
        "sharing/share_refused.html",
        {"child": child, "why": why, "record_url": _record_url(child.pk)},
        status=403,
    )


def _open(request: HttpRequest, child_id: int, what: str) -> tuple[Child, Basis] | HttpResponse:
    try:
        return child_for(_user(request), child_id, action=Action.VIEW, what=what)
    except NoRelationship:
        return _no_relationship(request, child_id)


# --- Recording -------------------------------------------------------------------------------


@never_cache
@require_GET
def share_start(request: HttpRequest, child_id: int) -> HttpResponse:
    """What are you recording: a share, or a decision not to share?"""
    opened = _open(request, child_id, "record information sharing start")
    if isinstance(opened, HttpResponse):
        return opened
    child, basis = opened
    why = recording_refusal(basis)
    if why:
        return _refused(request, child, basis, why)
    # Bound once the question was answered, or submitted unanswered: a radio left unchosen
    # sends nothing, so the page's form carries a marker of its own (share_start.html).
    submitted = "decision" in request.GET or START_SUBMITTED in request.GET
    form = ShareStartForm(request.GET if submitted else None)
    if form.is_valid():
        return redirect("sharing:share-record", child_id=child.pk, decision=SLUG_FOR[form.cleaned_data["decision"]])
    return render(
        request,
        "sharing/share_start.html",
        {
            "form": form,
            "child": child,
            "record_url": _record_url(child.pk),
            "submitted_marker": START_SUBMITTED,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def share_record(request: HttpRequest, child_id: int, decision: str) -> HttpResponse:
    """Record a share, or a decision not to share. Nothing typed is lost on an error."""
    user = _user(request)
    decision_value = DECISION_SLUGS.get(decision)
    if decision_value is None:
        raise Http404("No such page")
    what = "record information sharing" if request.method == "POST" else "record information sharing form"
    opened = _open(request, child_id, what)
    if isinstance(opened, HttpResponse):
        return opened
    child, basis = opened
    why = recording_refusal(basis)
    if why:
        return _refused(request, child, basis, why)
    if request.method == "POST":
        form = InformationShareForm(request.POST, decision=decision_value, agency_id=user.agency_id)
        if form.is_valid():
            try:
                share = information_share_record(child=child, data=form.share_input(), by=user)
            except ValidationError as exc:
                apply_service_errors(form, exc, form.field_for())
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    f"Information shared with {recipient_label(share)} recorded"
                    if share.decision == ShareDecision.SHARED
                    else f"Decision not to share with {recipient_label(share)} recorded",
                )
                return redirect(_record_url(child.pk))
    else:
        form = InformationShareForm(decision=decision_value, agency_id=user.agency_id)
    return render(
        request,
        "sharing/share_record.html",
        {
            "form": form,
            "child": child,
            "golden_rules": GOLDEN_RULES,
            "record_url": _record_url(child.pk),
            "start_url": reverse("sharing:share-start", args=[child.pk]),
        },
    )


# --- Reading ---------------------------------------------------------------------------------


@never_cache
@require_GET
def share_list(request: HttpRequest, child_id: int) -> HttpResponse:
    """Every record of sharing about the child that the user may see, newest first."""
    user = _user(request)
    opened = _open(request, child_id, "information sharing list")
    if isinstance(opened, HttpResponse):
        return opened
    child, basis = opened
    page = Paginator(child_shares(user, child, basis), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "sharing/share_list.html",
        {
            "child": child,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
            "rows": share_rows(page.object_list),
            "may_record": not recording_refusal(basis),
            "sees_all": basis.sees_whole_chronology,
            "record_url": _record_url(child.pk),
        },
    )


@dataclass(frozen=True)
class ChangeRow:
    label: str
    old: str
    new: str


def _display(name: str, value: Any, *, agency_name: str = "") -> str:
    """A stored value (or an amendment's JSON copy of it) as a person reads it."""
    if name == "with_agency":
        return agency_name or "Not an agency on this platform"
    if name == "decided_on":
        day = date.fromisoformat(value) if isinstance(value, str) else value
        return dateformat.format(day, "j F Y")
    if name == "special_category":
        return "Yes" if value else "No"
    if name in CHOICES and value:
        try:
            return str(CHOICES[name](value).label)
        except ValueError:
            return str(value)
    return str(value) if value else "Not recorded"


def _change_rows(changes: dict[str, dict[str, Any]]) -> list[ChangeRow]:
    return [
        ChangeRow(
            FIELD_LABELS.get(name, name),
            _display(name, change.get("old"), agency_name=change.get("old_name", "")),
            _display(name, change.get("new"), agency_name=change.get("new_name", "")),
        )
        for name, change in changes.items()
    ]


def _visible_share(user: User, child: Child, basis: Basis, pk: int) -> InformationShare:
    share = (
        shares_visible_to(user, child, basis)
        .select_related("agency", "with_agency", "decided_by")
        .filter(pk=pk)
        .first()
    )
    if share is None:
        raise Http404("No such record")
    return share


@never_cache
@require_GET
def share_detail(request: HttpRequest, child_id: int, pk: int) -> HttpResponse:
    user = _user(request)
    opened = _open(request, child_id, "information sharing record")
    if isinstance(opened, HttpResponse):
        return opened
    child, basis = opened
    share = _visible_share(user, child, basis, pk)
    amendments = [(a, _change_rows(a.changes)) for a in share.amendments.select_related("amended_by")]
    return render(
        request,
        "sharing/share_detail.html",
        {
            "child": child,
            "share": share,
            "shared": share.decision == ShareDecision.SHARED,
            "recipient": recipient_label(share),
            # The model stores the basis without choices (concerns.LawfulBasis): say it in words here.
            "lawful_basis": _display("lawful_basis", share.lawful_basis),
            "condition": _display("special_category_condition", share.special_category_condition),
            "amendments": amendments,
            "may_amend": may_amend_share(user, share, basis),
            "record_url": _record_url(child.pk),
            "list_url": reverse("sharing:share-list", args=[child.pk]),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def share_amend(request: HttpRequest, child_id: int, pk: int) -> HttpResponse:
    """Correct a record of sharing: only its agency may, with a reason; the original stays."""
    user = _user(request)
    opened = _open(request, child_id, "amend information sharing form")
    if isinstance(opened, HttpResponse):
        return opened
    child, basis = opened
    share = _visible_share(user, child, basis, pk)
    if not may_amend_share(user, share, basis):
        # The 403 page says the attempt has been recorded: record it.
        audit_record(
            actor=user,
            action=Action.DENIED,
            child=child,
            obj=share,
            detail={"what": "amend information sharing", "basis": basis.value},
        )
        raise PermissionDenied("Only the agency that recorded this can amend it")
    if request.method == "POST":
        form = AmendInformationShareForm(request.POST, decision=share.decision, agency_id=user.agency_id)
        if form.is_valid():
            try:
                information_share_amend(
                    share=share, data=form.share_input(), reason=form.cleaned_data["reason"], by=user
                )
            except ValidationError as exc:
                apply_service_errors(form, exc, form.field_for())
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Record amended")
                return redirect("sharing:share-detail", child_id=child.pk, pk=share.pk)
    else:
        form = AmendInformationShareForm(
            initial=InformationShareForm.initial_for(share), decision=share.decision, agency_id=user.agency_id
        )
    return render(
        request,
        "sharing/share_amend.html",
        {
            "form": form,
            "child": child,
            "share": share,
            "golden_rules": GOLDEN_RULES,
            "detail_url": reverse("sharing:share-detail", args=[child.pk, share.pk]),
        },
    )


share_urlpatterns = [
    path("children/<int:child_id>/information-sharing/", share_list, name="share-list"),
    path("children/<int:child_id>/information-sharing/new/", share_start, name="share-start"),
    path("children/<int:child_id>/information-sharing/new/<slug:decision>/", share_record, name="share-record"),
    path("children/<int:child_id>/information-sharing/<int:pk>/", share_detail, name="share-detail"),
    path("children/<int:child_id>/information-sharing/<int:pk>/amend/", share_amend, name="share-amend"),
]
