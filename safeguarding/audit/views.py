"""Know who looked: the audit of a child's record, recent activity, break-glass, the chain.

For data protection officers and managers (Role.may_view_audit) only. Reading the audit
is itself audited, with detail {"what": "audit ..."}.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.views.decorators.http import require_GET

from safeguarding.audit.forms import ChildEventsFilterForm, ChildSearchForm, EventFilterForm
from safeguarding.audit.models import Action, AuditEvent
from safeguarding.audit.selectors import (
    BASIS_LABELS,
    CHILD_FILTERS,
    break_glass_report,
    child_audit_summary,
    child_events,
    keyset_page,
    recent_events,
)
from safeguarding.audit.services import audit_record, audit_verify
from safeguarding.people.models import Child
from safeguarding.people.selectors import search_children

PAGE_SIZE = 50

View = Callable[..., HttpResponse]


def audit_viewer_required(what: str) -> Callable[[View], View]:
    """Only roles that may view the audit; a refusal is recorded like any other."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user: Any = request.user
            if not user.may_view_audit:
                audit_record(actor=user, action=Action.DENIED, detail={"what": what})
                raise PermissionDenied("Only data protection officers and managers can see the audit")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _query_int(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


@dataclass
class EventRow:
    """One audit event as the page shows it: plain words, no JSON."""

    event: AuditEvent
    details: list[str] = field(default_factory=list)
    changes: list[tuple[str, Any, Any]] = field(default_factory=list)

    @property
    def is_break_glass(self) -> bool:
        return self.event.action == Action.BREAK_GLASS


DETAIL_LABELS = {"expires_at": "Access until", "la_child_id": "LA child ID", "results": "Children found"}


def _label(key: str) -> str:
    return DETAIL_LABELS.get(key) or key.replace("_", " ").capitalize()


def _shown(key: str, value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if key.endswith("_at") and isinstance(value, str):
        moment = parse_datetime(value)
        if moment is not None:
            return date_format(timezone.localtime(moment), "j M Y, H:i")
    return str(value)


def describe(event: AuditEvent) -> EventRow:
    row = EventRow(event=event)
    detail = event.detail if isinstance(event.detail, dict) else {}
    if event.action == Action.AMEND:
        for name, change in detail.items():
            if isinstance(change, dict) and {"old", "new"} <= change.keys():
                row.changes.append((_label(name), change["old"], change["new"]))
        return row
    what = detail.get("what")
    if what:
        row.details.append(f"Page: {what}")
    basis = detail.get("basis")
    if basis:
        row.details.append(f"Basis: {BASIS_LABELS.get(basis, basis)}")
    for key, value in detail.items():
        if key in ("what", "basis") or value in ("", None, [], {}):
            continue
        row.details.append(f"{_label(key)}: {_shown(key, value)}")
    if event.object_type and event.action in (Action.CREATE, Action.PRINT, Action.EXPORT):
        row.details.append(f"Record: {event.object_type.split('.')[-1]} {event.object_id}")
    return row


@require_GET
@audit_viewer_required("audit index")
def index(request: HttpRequest) -> HttpResponse:
    search_form = ChildSearchForm(request.GET if "q" in request.GET else None)
    results = None
    if search_form.is_bound and search_form.is_valid():
        query = search_form.search_query()
        results = search_children(query)
        audit_record(
            actor=request.user,
            action=Action.SEARCH,
            detail={"what": "audit: find a child", **query.as_audit(), "results": len(results)},
        )

    filter_keys = ("action", "practitioner", *EventFilterForm.DATE_FIELDS)
    filter_form = EventFilterForm(request.GET if any(k in request.GET for k in filter_keys) else {})
    page = None
    if filter_form.is_valid():
        events = recent_events(filter_form.filters())
        page = keyset_page(events, before=_query_int(request, "before"), after=_query_int(request, "after"))
        page.extra["rows"] = [describe(e) for e in page.rows]
    audit_record(actor=request.user, action=Action.VIEW, detail={"what": "audit: recent activity"})
    return render(
        request,
        "audit/index.html",
        {"search_form": search_form, "results": results, "form": filter_form, "page": page},
    )


@require_GET
@audit_viewer_required("audit of a child")
def child(request: HttpRequest, child_id: int) -> HttpResponse:
    # The audit viewer's basis is their role (may_view_audit), not a relationship with the
    # child: so not access.services.child_for, but the view is audited all the same.
    the_child = Child.objects.filter(pk=child_id).first()
    if the_child is None:
        raise Http404("No such child")
    form = ChildEventsFilterForm(request.GET)
    show = form.cleaned_data["show"] if form.is_valid() else ""
    audit_record(
        actor=request.user,
        action=Action.VIEW,
        child=the_child,
        detail={"what": "audit: who has looked at this record", **({"show": show} if show else {})},
    )
    page = Paginator(child_events(the_child, show=show), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/child.html",
        {
            "child": the_child,
            "form": form,
            "show_label": CHILD_FILTERS[show][0] if show else "",
            "summary": child_audit_summary(the_child),
            "page": page,
            "rows": [describe(e) for e in page.object_list],
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        },
    )


@require_GET
@audit_viewer_required("audit: emergency access report")
def break_glass(request: HttpRequest) -> HttpResponse:
    audit_record(actor=request.user, action=Action.VIEW, detail={"what": "audit: emergency access report"})
    page = Paginator(break_glass_report(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/break_glass.html",
        {
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "now": timezone.now(),
        },
    )


@require_GET
@audit_viewer_required("audit: check the audit trail")
def chain(request: HttpRequest) -> HttpResponse:
    # Verify first, then record this check: the check covers every event before it.
    checked, broken, why = audit_verify()
    audit_record(
        actor=request.user,
        action=Action.VIEW,
        detail={"what": "audit: check the audit trail", "checked": checked, "intact": not why},
    )
    return render(request, "audit/chain.html", {"checked": checked, "broken": broken, "why": why})
