"""Operation Encompass pages.

- Police: record an incident and the first child (checked against the index with the same
  matching as a concern about a child not yet in it), the incident page, add another child.
- The school's designated safeguarding leads: the queue of notifications to their school,
  a notification (acknowledge it, record support).
- Anyone who may see the chronology entry: its detail page (access/permissions.py rules).

Every read is audited, refusals included. Views call services and selectors only.
"""

import logging
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safeguarding.access.models import User
from safeguarding.access.permissions import entries_visible_to
from safeguarding.access.services import child_for
from safeguarding.audit.models import Action
from safeguarding.audit.services import audit_record
from safeguarding.concerns.forms import initial_from_data
from safeguarding.core.errors import NoRelationship
from safeguarding.core.forms import apply_service_errors
from safeguarding.encompass import permissions, selectors, terms
from safeguarding.encompass.forms import FIELD_FOR, ChildAtIncidentForm, IncidentWithChildForm, SupportForm
from safeguarding.encompass.models import (
    DomesticAbuseIncident,
    EncompassAcknowledgement,
    EncompassEscalation,
    EncompassNotification,
    EncompassSupport,
    IncidentChild,
)
from safeguarding.encompass.services import (
    ChildAtIncident,
    encompass_acknowledge,
    encompass_incident_child_add,
    encompass_incident_record,
    encompass_support_record,
)
from safeguarding.linkage.services import ENTRY_MAX_SHOWN, ENTRY_SHOW_WEIGHT, NoModel, match_person
from safeguarding.linkage.templatetags.linkage_text import percent
from safeguarding.people.models import Child
from safeguarding.people.selectors import SearchQuery, search_children

logger = logging.getLogger(__name__)
PAGE_SIZE = 50
SEARCH_LIKELY_MATCH = 0.8


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _refuse(user: User, what: str, message: str) -> PermissionDenied:
    audit_record(actor=user, action=Action.DENIED, detail={"what": what})
    return PermissionDenied(message)


# --- The school's queue and a notification ------------------------------------------------------


@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """Notifications to the user's school, newest due first, 50 a page, overdue marked."""
    user = _user(request)
    if not permissions.is_key_adult(user):
        raise _refuse(
            user,
            "operation encompass queue",
            "Only a school's designated safeguarding leads see its Operation Encompass notifications",
        )
    page = Paginator(selectors.queue(user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.queue_rows(list(page.object_list))
    audit_record(
        actor=user,
        action=Action.VIEW,
        detail={
            "what": "operation encompass queue",
            "page": page.number,
            "notifications": [r.notification.pk for r in rows],
            "children": [r.child.pk for r in rows],
        },
    )
    school_calendar_end = terms.SchoolCalendar.load().last_day_entered
    return render(
        request,
        "encompass/queue.html",
        {
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
            "rows": rows,
            "terms_end": school_calendar_end,
            "starts": terms.school_day_starts(),
        },
    )


def _notification_or_404(user: User, pk: int) -> EncompassNotification:
    notification = selectors.notification_for(user, pk)
    if notification is None:
        child_id = (
            EncompassNotification.objects.filter(pk=pk).values_list("incident_child__child_id", flat=True).first()
        )
        if child_id is not None:
            audit_record(
                actor=user,
                action=Action.DENIED,
                child=Child.objects.get(pk=child_id),
                detail={"what": "operation encompass notification", "notification": pk},
            )
        raise Http404("No such notification")
    return notification


def _notification_page(
    request: HttpRequest, notification: EncompassNotification, *, form: forms.Form | None = None
) -> HttpResponse:
    user = _user(request)
    child = notification.incident_child.child
    audit_record(
        actor=user,
        action=Action.VIEW,
        child=child,
        obj=notification,
        detail={"what": "operation encompass notification"},
    )
    support = list(notification.support.select_related("recorded_by"))
    ack = getattr(notification, "acknowledgement", None)
    support_form = form if isinstance(form, SupportForm) else SupportForm()
    return render(
        request,
        "encompass/notification.html",
        {
            "notification": notification,
            "child": child,
            "incident": notification.incident_child.incident,
            "incident_child": notification.incident_child,
            "clock": selectors.notification_clock(notification),
            "acknowledgement": ack,
            "escalation": getattr(notification, "escalation", None),
            "support_rows": support,
            "support_form": support_form,
            "form": form,
        },
    )


@require_GET
def notification(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    return _notification_page(request, _notification_or_404(user, pk))


@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    found = _notification_or_404(user, pk)
    try:
        encompass_acknowledge(notification=found, by=user)
    except ValidationError as exc:
        form = forms.Form(data={})
        form.is_valid()  # no questions: the refusal is the form's only error
        apply_service_errors(form, exc, {})
        return _notification_page(request, _notification_or_404(user, pk), form=form)
    messages.success(request, "Notification acknowledged")
    return redirect("encompass:notification", pk=pk)


@require_POST
def support_record(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    found = _notification_or_404(user, pk)
    form = SupportForm(request.POST)
    if form.is_valid():
        try:
            encompass_support_record(notification=found, support=form.cleaned_data["support"], by=user)
        except ValidationError as exc:
            apply_service_errors(form, exc, FIELD_FOR)
        else:
            messages.success(request, "Support recorded")
            return redirect("encompass:notification", pk=pk)
    return _notification_page(request, _notification_or_404(user, pk), form=form)


# --- Police: recording an incident -------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    """A child in the index who may be the child described, with what tells them apart."""

    child: Child
    postcode: str
    schools: tuple[str, ...]
    likelihood: str = ""


def _postcode(child: Child) -> str:
    addresses = getattr(child, "linkage_addresses", None) or getattr(child, "current_addresses", None) or []
    return str(addresses[0].address.postcode) if addresses else child.current_postcode


def _schools(child: Child) -> tuple[str, ...]:
    enrolments = getattr(child, "linkage_enrolments", None) or getattr(child, "current_enrolments", None) or []
    return tuple(dict.fromkeys(e.school.name for e in enrolments))


def _matches(user: User, form: ChildAtIncidentForm) -> list[Match]:
    """Children in the index who may be this child: the linkage model's candidates, as for a
    concern about a child not yet in the index (linkage.services.match_person). Audited as a
    search; reads only."""
    d = form.cleaned_data
    try:
        outcome = match_person(form.person(), show_weight=ENTRY_SHOW_WEIGHT)
    except NoModel:
        logger.warning("No linkage model is active: the Operation Encompass child check uses the index search")
        found = search_children(
            SearchQuery(name=f"{d['first_name']} {d['last_name']}", date_of_birth=d["date_of_birth"])
        )
        matches = [
            Match(child=r.child, postcode=_postcode(r.child), schools=_schools(r.child))
            for r in found
            if r.score >= SEARCH_LIKELY_MATCH
        ]
        version = None
    else:
        model, version = outcome.model, outcome.model.version
        matches = []
        for c in outcome.candidates[:ENTRY_MAX_SHOWN]:
            if c.match_weight >= model.auto_link_weight:
                likely = "Very likely the same child"
            elif c.match_weight >= model.review_weight:
                likely = "Possibly the same child"
            else:
                likely = "Less likely, but check"
            matches.append(
                Match(
                    child=c.child,
                    postcode=_postcode(c.child),
                    schools=_schools(c.child),
                    likelihood=f"{likely} ({percent(c.score.match_probability)})",
                )
            )
    audit_record(
        actor=user,
        action=Action.SEARCH,
        detail={
            "name": f"{d['first_name']} {d['last_name']}",
            "date_of_birth": d["date_of_birth"],
            "postcode": d["postcode"],
            "purpose": "child check before recording an Operation Encompass incident",
            "results": len(matches),
            "model_version": version,
        },
    )
    return matches


class ChildChoiceForm(forms.Form):
    choice = forms.ChoiceField(
        label="Which child is it?",
        error_messages={
            "required": "Select the child the incident is about, or add a new child",
            "invalid_choice": "Select the child the incident is about, or add a new child",
        },
    )

    def __init__(self, *args: Any, matches: list[Match], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["choice"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(str(m.child.pk), m.child.display_name) for m in matches] + [("new", "None of these")]


def _typed(request: HttpRequest, form_class: type[forms.Form]) -> list[tuple[str, str]]:
    return [
        (name, value) for name in request.POST if name in form_class.base_fields for value in request.POST.getlist(name)
    ]


def _child_step(
    request: HttpRequest,
    form: ChildAtIncidentForm,
    *,
    caption: str,
    save: Any,
    form_template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """Which child is it? The candidates from the index, or a new child; then `save`."""
    user = _user(request)
    matches = _matches(user, form)
    chosen = ChildChoiceForm(request.POST if "choose" in request.POST else None, matches=matches)
    if chosen.is_bound and chosen.is_valid():
        choice = chosen.cleaned_data["choice"]
        presence = form.cleaned_data["presence"]
        if choice == "new":
            at = ChildAtIncident(presence=presence, new_child=form.new_child())
        else:
            at = ChildAtIncident(presence=presence, child=next(m.child for m in matches if str(m.child.pk) == choice))
        try:
            row = save(at)
        except ValidationError as exc:
            apply_service_errors(form, exc, FIELD_FOR)
            return render(request, form_template, {**context, "form": form})
        sent = getattr(row, "notification", None)
        messages.success(
            request,
            f"{row.child.display_name} added: {sent.school.name} has been notified"
            if sent is not None
            else f"{row.child.display_name} added: no school is on record, so no school was notified",
        )
        return redirect("encompass:incident", pk=row.incident_id)
    return render(
        request,
        "encompass/child_check.html",
        {
            **context,
            "form": chosen,
            "child_form": form,
            "matches": matches,
            "typed": _typed(request, type(form)),
            "caption": caption,
        },
    )


@require_http_methods(["GET", "POST"])
def incident_new(request: HttpRequest) -> HttpResponse:
    """The police record a domestic abuse incident and the first child at it."""
    user = _user(request)
    if not permissions.may_record_incident(user):
        raise _refuse(
            user,
            "operation encompass incident form",
            "Only police officers and staff record domestic abuse incidents for Operation Encompass",
        )
    template = "encompass/incident_new.html"
    if request.method == "POST" and "edit" in request.POST:
        form = IncidentWithChildForm(initial=initial_from_data(IncidentWithChildForm, request.POST))
    elif request.method == "POST":
        form = IncidentWithChildForm(request.POST)
        if form.is_valid():
            valid = form

            def save(at: ChildAtIncident) -> IncidentChild:
                return encompass_incident_record(data=valid.incident_input(), child=at, by=user).children.get()

            return _child_step(
                request,
                valid,
                caption="Record a domestic abuse incident",
                save=save,
                form_template=template,
                context={"action": reverse("encompass:incident-new")},
            )
    else:
        form = IncidentWithChildForm()
    return render(request, template, {"form": form})


def _incident_or_404(user: User, pk: int) -> DomesticAbuseIncident:
    incident = permissions.incidents_visible_to(user).select_related("police", "recorded_by").filter(pk=pk).first()
    if incident is None:
        if not permissions.may_record_incident(user):
            raise _refuse(user, "operation encompass incident", "Only the police see the incidents they recorded")
        raise Http404("No such incident")
    return incident


@require_GET
def incident(request: HttpRequest, pk: int) -> HttpResponse:
    """The incident as the force recorded it, each child and whether the school acknowledged."""
    user = _user(request)
    found = _incident_or_404(user, pk)
    children = list(
        found.children.select_related(
            "child", "notification__school", "notification__acknowledgement", "notification__escalation"
        )
    )
    school_calendar = terms.SchoolCalendar.load()
    rows = []
    for c in children:
        n = getattr(c, "notification", None)
        rows.append((c, n, selectors.notification_clock(n, school_calendar=school_calendar) if n else None))
        audit_record(
            actor=user,
            action=Action.VIEW,
            child=c.child,
            obj=found,
            detail={"what": "operation encompass incident", "incident_child": c.pk},
        )
    return render(request, "encompass/incident.html", {"incident": found, "rows": rows})


@require_http_methods(["GET", "POST"])
def incident_child_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Another child at an incident already recorded."""
    user = _user(request)
    found = _incident_or_404(user, pk)
    template = "encompass/incident_child_new.html"
    context = {"incident": found, "action": reverse("encompass:incident-child-new", args=[found.pk])}
    if request.method == "POST" and "edit" in request.POST:
        form = ChildAtIncidentForm(initial=initial_from_data(ChildAtIncidentForm, request.POST))
    elif request.method == "POST":
        form = ChildAtIncidentForm(request.POST)
        if form.is_valid():
            return _child_step(
                request,
                form,
                caption=f"Incident {found.reference}",
                save=lambda at: encompass_incident_child_add(incident=found, child=at, by=user),
                form_template=template,
                context=context,
            )
    else:
        form = ChildAtIncidentForm()
    return render(request, template, {**context, "form": form})


# --- Chronology entries ------------------------------------------------------------------------


def _no_relationship(request: HttpRequest, child_id: int) -> HttpResponse:
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


def _entry_visible(user: User, child: Child, basis: Any, source: Model) -> bool:
    return (
        entries_visible_to(user, child, basis)
        .filter(source_type=source._meta.label_lower, source_id=source.pk)
        .exists()
    )


@require_GET
def incident_entry(request: HttpRequest, child_id: int, pk: int) -> HttpResponse:
    """The police's chronology entry for a child at an incident (police, front door, social care)."""
    user = _user(request)
    try:
        child, basis = child_for(user, child_id, action=Action.VIEW, what="operation encompass incident")
    except NoRelationship:
        return _no_relationship(request, child_id)
    row = get_object_or_404(
        IncidentChild.objects.select_related("incident__police", "incident__recorded_by", "notification__school"),
        pk=pk,
        child=child,
    )
    if not _entry_visible(user, child, basis, row):
        raise Http404("No such incident")
    notification = getattr(row, "notification", None)
    return render(
        request,
        "encompass/incident_entry.html",
        {
            "child": child,
            "row": row,
            "incident": row.incident,
            "notification": notification,
            "clock": selectors.notification_clock(notification) if notification else None,
        },
    )


_STEPS: dict[str, tuple[type[Model], str]] = {
    "acknowledgement": (EncompassAcknowledgement, "Acknowledgement of an Operation Encompass notification"),
    "support": (EncompassSupport, "Support after a domestic abuse incident"),
    "escalation": (EncompassEscalation, "Escalation of an Operation Encompass notification"),
}


@require_GET
def step_entry(request: HttpRequest, child_id: int, pk: int, step: str) -> HttpResponse:
    """The school's chronology entries (acknowledgement, support, escalation): the step itself,
    and for the school's designated safeguarding leads the way to the notification."""
    user = _user(request)
    model, title = _STEPS[step]
    try:
        child, basis = child_for(user, child_id, action=Action.VIEW, what=title.lower())
    except NoRelationship:
        return _no_relationship(request, child_id)
    row: Any = get_object_or_404(
        model.objects.select_related("notification__school", "notification__incident_child__incident"),  # type: ignore[attr-defined]
        pk=pk,
        notification__incident_child__child=child,
    )
    if not _entry_visible(user, child, basis, row):
        raise Http404("No such entry")
    notification = row.notification
    return render(
        request,
        "encompass/step_entry.html",
        {
            "child": child,
            "step": step,
            "title": title,
            "row": row,
            "notification": notification,
            "incident": notification.incident_child.incident,
            "may_open_notification": permissions.is_key_adult_of(user, notification.school_id),
        },
    )
