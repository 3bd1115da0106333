"""Recording, reading and amending concerns; agency event details.

Access: every view fetches the child with `child_for` (or, for recording, with
`access.services.recording_target`, which lets a practitioner without a relationship write but not read),
then checks that the entry is one the user may see (`entries_visible_to`).
"""

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.views.decorators.http import require_http_methods

from safeguarding.access.models import User
from safeguarding.access.permissions import Basis, entries_visible_to
from safeguarding.access.services import child_for, recording_target
from safeguarding.audit.models import Action
from safeguarding.audit.services import audit_record
from safeguarding.concerns.forms import (
    CONCERN_FIELD_FOR,
    AmendConcernForm,
    ConcernForm,
    RecordForNewChildForm,
    initial_from_data,
)
from safeguarding.concerns.models import AgencyEvent, BodyRegion, Category, Concern
from safeguarding.concerns.services import (
    concern_amend,
    concern_record,
    concern_record_for_new_child,
)
from safeguarding.core.errors import NoRelationship
from safeguarding.core.forms import apply_service_errors
from safeguarding.linkage.features import PersonRecord
from safeguarding.linkage.services import ENTRY_MAX_SHOWN, ENTRY_SHOW_WEIGHT, Candidate, NoModel, match_person
from safeguarding.linkage.templatetags.linkage_text import evidence, percent
from safeguarding.people.models import Child
from safeguarding.people.selectors import SearchQuery, search_children

logger = logging.getLogger(__name__)
SEARCH_LIKELY_MATCH = 0.8
EntryT = TypeVar("EntryT", Concern, AgencyEvent)

FIELD_LABELS = {
    "occurred_at": "When it happened",
    "what_happened": "What was seen or heard",
    "childs_words": "The child's own words",
    "categories": "What the concern is about",
    "immediate_danger": "Immediate danger",
    "action_taken": "Action taken",
    "injury_locations": "Injuries marked on the body map",
    "injury_description": "Description of injuries",
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


def _entry_visible(user: User, child: Child, basis: Basis, source: Model) -> bool:
    return (
        entries_visible_to(user, child, basis)
        .filter(source_type=source._meta.label_lower, source_id=source.pk)
        .exists()
    )


def _visible_entry(
    request: HttpRequest, child_id: int, entries: QuerySet[EntryT], pk: int, *, what: str
) -> tuple[Child, EntryT] | HttpResponse:
    """The child and one of its entries (`what`: "concern"), if the user may see that entry.

    Without a relationship, the refusal page; an entry they may not see is a 404, as is one
    that is not there.
    """
    user = _user(request)
    try:
        child, basis = child_for(user, child_id, action=Action.VIEW, what=what)
    except NoRelationship:
        return _no_relationship(request, child_id)
    entry = get_object_or_404(entries, pk=pk, child=child)
    if not _entry_visible(user, child, basis, entry):
        raise Http404(f"No such {what}")
    return child, entry


# Recording -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def record(request: HttpRequest, child_id: int) -> HttpResponse:
    """Record a concern about a child in the index. Without a relationship: write, not read."""
    user = _user(request)
    try:
        target = recording_target(user=user, child_id=child_id)
    except NoRelationship:
        raise PermissionDenied("Only practitioners who belong to an agency can record concerns") from None
    prefilled = False
    if request.method == "POST" and "prefill" in request.POST:
        # Arrived from "Is this the same child?": show what was typed, judge it on submit.
        form = ConcernForm(initial=initial_from_data(ConcernForm, request.POST))
        prefilled = True
    elif request.method == "POST":
        form = ConcernForm(request.POST)
        if form.is_valid():
            try:
                concern_record(child=target.child, data=form.concern_input(), by=user)
            except ValidationError as exc:
                apply_service_errors(form, exc, CONCERN_FIELD_FOR)
            else:
                messages.success(request, "Concern recorded")
                return redirect(_record_url(target.child.pk))
    else:
        form = ConcernForm()
    return render(
        request,
        "concerns/record.html",
        {"form": form, "target": target, "prefilled": prefilled, "record_url": _record_url(target.child.pk)},
    )


@dataclass(frozen=True)
class MatchReason:
    """One detail the linkage model compared, as the person choosing reads it."""

    comparison: str  # "Date of birth"
    level: str  # "Day and month transposed"
    weight: float  # bits; positive counts for a match
    evidence: str  # "Strong evidence for a match"


@dataclass(frozen=True)
class LikelyMatch:
    """A child already in the index who may be the child described, and why."""

    child: Child
    postcode: str
    schools: tuple[str, ...]
    identifier: str = ""  # "Same NHS number", "Same UPN"
    likelihood: str = ""  # "Very likely the same child", from the weight against the thresholds
    probability: str = ""  # "99.9%"
    reasons: tuple[MatchReason, ...] = ()
    # Only when no linkage model is active: the index search's own reasons, in words.
    search_reasons: tuple[str, ...] = ()


def _postcode(child: Child) -> str:
    addresses = getattr(child, "linkage_addresses", None) or getattr(child, "current_addresses", None) or []
    return str(addresses[0].address.postcode) if addresses else child.current_postcode


def _schools(child: Child) -> tuple[str, ...]:
    enrolments = getattr(child, "linkage_enrolments", None) or getattr(child, "current_enrolments", None) or []
    return tuple(dict.fromkeys(e.school.name for e in enrolments))


def _likelihood(candidate: Candidate, auto_link_weight: float, review_weight: float) -> str:
    if candidate.match_weight >= auto_link_weight:
        return "Very likely the same child"
    if candidate.match_weight >= review_weight:
        return "Possibly the same child"
    if candidate.identifier:
        # Shown only because an identifier matched: say plainly that nothing else agrees.
        return "The other details do not suggest the same child"
    return "Less likely, but check before adding a new child"


def _person(d: dict[str, Any]) -> PersonRecord:
    return PersonRecord(
        first_names=(d["first_name"],),
        last_names=(d["last_name"],),
        date_of_birth=d["date_of_birth"] or d["expected_date_of_birth"],
        sex=d["sex"],
        postcode=d["postcode"],
        address=d["address_line1"],
        nhs_number=d["nhs_number"],
        upn=d["upn"],
    )


def _search_matches(d: dict[str, Any]) -> list[LikelyMatch]:
    """With no linkage model active (never after migrating, which installs one): the index
    search, so that the check before adding a child is never skipped."""
    logger.warning("No linkage model is active: the new-child check falls back to the index search")
    query = SearchQuery(
        name=f"{d['first_name']} {d['last_name']}", date_of_birth=d["date_of_birth"] or d["expected_date_of_birth"]
    )
    found = {r.child.pk: r for r in search_children(query) if r.score >= SEARCH_LIKELY_MATCH}
    for identifier in (d["nhs_number"], d["upn"]):
        if identifier:
            for r in search_children(SearchQuery(identifier=identifier)):
                found.setdefault(r.child.pk, r)
    ranked = sorted(found.values(), key=lambda r: (-r.score, r.child.display_name))
    return [
        LikelyMatch(
            child=r.child, postcode=_postcode(r.child), schools=_schools(r.child), search_reasons=tuple(r.reasons)
        )
        for r in ranked
    ]


def _likely_matches(user: User, form: RecordForNewChildForm) -> list[LikelyMatch]:
    """Children already in the index who may be this child, scored by the linkage model
    (issue 4, item 1): an identifier match first, then those at or above the review
    threshold, each with the details that agreed or disagreed and how strongly. Reads only:
    nothing is linked or created here. Audited as a search."""
    d = form.cleaned_data
    audit = {
        k: v
        for k, v in {
            "name": f"{d['first_name']} {d['last_name']}",
            "date_of_birth": d["date_of_birth"] or d["expected_date_of_birth"],
            "postcode": d["postcode"],
        }.items()
        if v
    }
    try:
        outcome = match_person(_person(d), show_weight=ENTRY_SHOW_WEIGHT)
    except NoModel:
        matches, version = _search_matches(d), None
    else:
        model, version = outcome.model, outcome.model.version
        matches = [
            LikelyMatch(
                child=c.child,
                postcode=_postcode(c.child),
                schools=_schools(c.child),
                identifier=f"Same {c.identifier}" if c.identifier else "",
                likelihood=_likelihood(c, model.auto_link_weight, model.review_weight),
                probability=percent(c.score.match_probability),
                reasons=tuple(
                    MatchReason(comparison=r.comparison, level=r.level, weight=r.weight, evidence=evidence(r.weight))
                    for r in sorted((r for r in c.score.levels if not r.is_null), key=lambda r: -abs(r.weight))
                ),
            )
            for c in outcome.candidates[:ENTRY_MAX_SHOWN]
        ]
    audit_record(
        actor=user,
        action=Action.SEARCH,
        detail={
            **audit,
            "identifiers": bool(d["nhs_number"] or d["upn"]),
            "purpose": "new child check before recording a concern",
            "results": len(matches),
            "model_version": version,
        },
    )
    return matches


@require_http_methods(["GET", "POST"])
def record_new_child(request: HttpRequest) -> HttpResponse:
    """A concern about a child not yet in the index: check for them first, then add both."""
    user = _user(request)
    if user.agency_id is None:
        raise PermissionDenied("Only practitioners who belong to an agency can record concerns")
    if request.method == "POST" and "edit" in request.POST:
        form = RecordForNewChildForm(initial=initial_from_data(RecordForNewChildForm, request.POST))
    elif request.method == "POST":
        form = RecordForNewChildForm(request.POST)
        if form.is_valid():
            if not form.cleaned_data["confirmed"]:
                matches = _likely_matches(user, form)
                if matches:
                    typed = [
                        (name, value)
                        for name in request.POST
                        if name in RecordForNewChildForm.base_fields and name != "confirmed"
                        for value in request.POST.getlist(name)
                    ]
                    concern_typed = [(n, v) for n, v in typed if n in ConcernForm.base_fields]
                    return render(
                        request,
                        "concerns/record_new_child_matches.html",
                        {"matches": matches, "typed": typed, "concern_typed": concern_typed, "form": form},
                    )
            try:
                concern = concern_record_for_new_child(child_data=form.new_child(), data=form.concern_input(), by=user)
            except ValidationError as exc:
                apply_service_errors(form, exc, form.child_field_for())
            else:
                messages.success(request, "Concern recorded")
                return redirect(_record_url(concern.child_id))
    else:
        form = RecordForNewChildForm()
    return render(request, "concerns/record_new_child.html", {"form": form})


# Reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeRow:
    label: str
    old: str
    new: str


def _display(field: str, value: Any) -> str:
    """A stored value (or an amendment's JSON copy of it) as a person reads it."""
    if field == "occurred_at":
        when = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
        return dateformat.format(timezone.localtime(when), "j F Y, H:i")
    if field == "categories":
        return ", ".join(_label(Category, c) for c in value) or "None"
    if field == "injury_locations":
        return ", ".join(_regions(value)) or "None"
    if field == "immediate_danger":
        return "Yes" if value else "No"
    return str(value) if value else "Not recorded"


def _regions(values: list[str]) -> list[str]:
    """Injury locations in body map order (front, head to toe, then back)."""
    order = {v: i for i, v in enumerate(BodyRegion.values)}
    return [_label(BodyRegion, v) for v in sorted(values, key=lambda v: order.get(v, len(order)))]


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


@require_http_methods(["GET"])
def detail(request: HttpRequest, child_id: int, pk: int) -> HttpResponse:
    concerns = Concern.objects.select_related("author", "agency")
    found = _visible_entry(request, child_id, concerns, pk, what="concern")
    if isinstance(found, HttpResponse):
        return found
    child, concern = found
    amendments = [
        (
            a,
            [
                ChangeRow(FIELD_LABELS.get(f, f), _display(f, c["old"]), _display(f, c["new"]))
                for f, c in a.changes.items()
            ],
        )
        for a in concern.amendments.select_related("amended_by")
    ]
    return render(
        request,
        "concerns/detail.html",
        {
            "child": child,
            "concern": concern,
            "categories": [_label(Category, c) for c in concern.categories],
            "injuries": _regions(concern.injury_locations),
            "amendments": amendments,
            "may_amend": _user(request).agency_id == concern.agency_id,
            "record_url": _record_url(child.pk),
        },
    )


@require_http_methods(["GET", "POST"])
def amend(request: HttpRequest, child_id: int, pk: int) -> HttpResponse:
    """Correct a concern: only its agency may, with a reason; the original stays."""
    user = _user(request)
    try:
        child, _basis = child_for(user, child_id, action=Action.VIEW, what="amend concern form")
    except NoRelationship:
        return _no_relationship(request, child_id)
    concern = get_object_or_404(Concern.objects.select_related("agency"), pk=pk, child=child)
    if user.agency_id != concern.agency_id:
        raise PermissionDenied("Only the agency that recorded a concern can amend it")
    if request.method == "POST":
        form = AmendConcernForm(request.POST)
        if form.is_valid():
            try:
                concern_amend(
                    concern=concern, changes=form.changes_from(concern), reason=form.cleaned_data["reason"], by=user
                )
            except ValidationError as exc:
                apply_service_errors(form, exc, CONCERN_FIELD_FOR)
            else:
                messages.success(request, "Concern amended")
                return redirect("concerns:detail", child_id=child.pk, pk=concern.pk)
    else:
        form = AmendConcernForm(initial=AmendConcernForm.initial_for(concern))
    return render(request, "concerns/amend.html", {"form": form, "child": child, "concern": concern})


@require_http_methods(["GET"])
def event_detail(request: HttpRequest, child_id: int, pk: int) -> HttpResponse:
    events = AgencyEvent.objects.select_related("agency", "author")
    found = _visible_entry(request, child_id, events, pk, what="agency event")
    if isinstance(found, HttpResponse):
        return found
    child, event = found
    return render(
        request,
        "concerns/event_detail.html",
        {
            "child": child,
            "event": event,
            "categories": [_label(Category, c) for c in event.categories],
            "record_url": _record_url(child.pk),
        },
    )
