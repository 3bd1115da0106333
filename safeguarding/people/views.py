"""Finding a child, the child's record with the multi-agency chronology, its print, and
emergency (break-glass) access.

Every read goes through `access.services.child_for`, which checks the relationship and
audits; scope comes from `access.permissions` as queryset filters; no view writes a model.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import dateformat, timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import retarget

from safeguarding.access.models import InvolvementBasis, User
from safeguarding.access.permissions import Basis, basis_for, entries_visible_to, may_amend_child_details
from safeguarding.access.services import break_glass_open, child_for
from safeguarding.audit.models import Action
from safeguarding.concerns import chronology
from safeguarding.concerns.models import ChronologyEntry
from safeguarding.concerns.pdf import chronology_pdf as render_chronology_pdf
from safeguarding.concerns.selectors import category_label, chronology_agencies, chronology_for, kind_label
from safeguarding.concerns.signal_rules import child_signals
from safeguarding.core.errors import NoRelationship
from safeguarding.pathway.selectors import child_clocks, child_open_episodes
from safeguarding.people.codes import Disability, Ethnicity
from safeguarding.people.forms import BreakGlassForm, ChildSearchForm, ChronologyFilterForm
from safeguarding.people.models import Child, ChildStatus
from safeguarding.people.selectors import (
    SearchResult,
    break_glass_expires_at,
    child_exists,
    child_identity,
    merged_into,
    search_audited,
)
from safeguarding.sharing.flags import may_see_who_looked, who_looked
from safeguarding.sharing.shares import may_record_share, recent_child_shares

PAGE_SIZE = 100
RESULTS_TARGET = "chronology-results"
SECTION_TARGET = "chronology"

CP_CATEGORIES = {
    "NEG": "neglect",
    "PHY": "physical abuse",
    "EMO": "emotional abuse",
    "SAB": "sexual abuse",
    "MUL": "multiple categories",
}


def _long_date(value: date | None) -> str:
    return dateformat.format(value, "j F Y") if value else ""


def _url(name: str, *args: Any, fallback: str = "") -> str:
    """Reverse a URL another part of the service provides; degrade if it is not there yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return fallback


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _no_relationship(request: HttpRequest, child_id: int) -> HttpResponse:
    """403 that names nobody: the refusal must not tell the user more than search would."""
    user = _user(request)
    may_break_glass = bool(user.agency_id and user.role and user.role.may_break_glass)
    return render(
        request,
        "people/no_relationship.html",
        {"child_id": child_id, "may_break_glass": may_break_glass, "has_agency": user.agency_id is not None},
        status=403,
    )


# --- Search -------------------------------------------------------------------------------


@dataclass
class SearchRow:
    url: str
    name: str
    other_name: str
    other_name_kind: str
    date_of_birth: str
    unborn: bool
    address: str
    school: str
    reasons: list[str]


def _search_row(result: SearchResult) -> SearchRow:
    child = result.child
    matched = result.matched_name
    other_name = other_kind = ""
    if matched is not None:
        full = f"{matched.first_name} {matched.last_name}"
        if full != child.display_name:
            other_name, other_kind = full, matched.get_kind_display()
    addresses = getattr(child, "current_addresses", [])
    address = ""
    if addresses:
        a = addresses[0].address
        address = ", ".join(p for p in (a.town, a.postcode) if p)
    address = address or child.current_postcode
    enrolments = getattr(child, "current_enrolments", [])
    return SearchRow(
        url=reverse("people:record", args=[child.pk]),
        name=child.display_name or child.la_child_id,
        other_name=other_name,
        other_name_kind=other_kind,
        date_of_birth=_long_date(child.date_of_birth or child.expected_date_of_birth),
        unborn=child.is_unborn,
        address=address,
        school=enrolments[0].school.name if enrolments else "",
        reasons=result.reasons,
    )


@never_cache
@require_GET
@login_required
def search(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user.agency_id is None:
        return render(request, "people/no_agency.html", status=403)
    submitted = any(k in request.GET for k in ChildSearchForm.FIELDS_IN_QUERY)
    form = ChildSearchForm(request.GET if submitted else None)
    rows: list[SearchRow] | None = None
    if submitted and form.is_valid():
        rows = [_search_row(r) for r in search_audited(user, form.query())]
    return render(
        request,
        "people/search.html",
        {
            "form": form,
            "dob": form.date_group("dob"),
            "rows": rows,
            "limit_reached": rows is not None and len(rows) >= 25,
            "new_child_url": _url("concerns:record-new-child", fallback="/concerns/new/"),
        },
    )


# --- The child's record and chronology ----------------------------------------------------


@dataclass
class ChronologyRow:
    entry: ChronologyEntry
    kind_label: str
    author: str
    categories: list[str]
    detail_url: str


def _chronology_rows(child: Child, entries: Any) -> list[ChronologyRow]:
    rows = []
    for e in entries:
        detail_url = ""
        try:
            kind = chronology.kind(e.kind)
        except LookupError:
            kind = None
        if kind is not None and kind.detail_url_name:
            detail_url = _url(kind.detail_url_name, child.pk, e.source_id)
        rows.append(
            ChronologyRow(
                entry=e,
                kind_label=kind.label if kind else kind_label(e.kind),
                author=e.author_label or (e.author.get_full_name() if e.author else ""),
                categories=[category_label(c) for c in e.categories],
                detail_url=detail_url,
            )
        )
    return rows


def _partial_target(request: HttpRequest) -> str | None:
    """The chronology region an htmx request asks for (results or the whole section), if any."""
    htmx = getattr(request, "htmx", None)
    if not htmx or htmx.history_restore_request:  # type: ignore[union-attr]
        return None
    return htmx.target if htmx.target in (RESULTS_TARGET, SECTION_TARGET) else None  # type: ignore[union-attr]


def _scope_note(user: User, basis: Basis) -> str:
    if basis is Basis.AGENCY:
        return (
            f"Only entries recorded by {user.agency} and entries other agencies have shared with {user.agency} "
            "are shown. Other agencies may hold more information."
        )
    return ""


@dataclass
class Identity:
    names: list[dict[str, str]] = field(default_factory=list)
    addresses: list[dict[str, str]] = field(default_factory=list)
    schools: list[dict[str, str]] = field(default_factory=list)
    relationships: list[dict[str, Any]] = field(default_factory=list)
    agencies: list[dict[str, str]] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    disabilities: list[str] = field(default_factory=list)
    ethnicity: str = ""
    nhs_number: str = ""


def _identity(child: Child) -> Identity:
    """Plain values for the identity panel, from prefetched rows (no further queries)."""
    today = timezone.localdate()
    ident = Identity()
    for n in child.names.all():
        used = ""
        if n.used_from or n.used_to:
            used = " ".join(
                p
                for p in (
                    f"from {_long_date(n.used_from)}" if n.used_from else "",
                    f"to {_long_date(n.used_to)}" if n.used_to else "",
                )
                if p
            )
        full = " ".join(p for p in (n.first_name, n.middle_names, n.last_name) if p)
        ident.names.append({"name": full, "kind": n.get_kind_display(), "used": used})
    # The current address first, then the most recent; an unknown move-in date last
    # (databases disagree on where NULLs sort).
    addresses = sorted(
        child.addresses.all(),
        key=lambda ca: (ca.moved_out is not None, -(ca.moved_in.toordinal() if ca.moved_in else 0)),
    )
    for ca in addresses:
        ident.addresses.append(
            {
                "address": str(ca.address),
                "from": _long_date(ca.moved_in) or "Date not known",
                "to": _long_date(ca.moved_out) if ca.moved_out else "Current",
            }
        )
    for en in child.enrolments.all():
        ident.schools.append(
            {
                "school": en.school.name,
                "from": _long_date(en.started_on),
                "to": _long_date(en.ended_on) if en.ended_on else "Current",
            }
        )
    for r in child.relationships.all():
        if r.ended_on and r.ended_on <= today:
            continue  # has left (the history keeps them: "Changes to this child's details")
        if r.person is not None:
            who = f"{r.person.first_name} {r.person.last_name}"
            dob = _long_date(r.person.date_of_birth)
            url = ""
        else:
            assert r.related_child is not None
            who = r.related_child.display_name or r.related_child.la_child_id
            dob = _long_date(r.related_child.date_of_birth)
            url = reverse("people:record", args=[r.related_child.pk])
        ident.relationships.append(
            {
                "id": r.pk,
                "who": who,
                "url": url,
                "relationship": r.get_relationship_display(),
                "date_of_birth": dob,
                "lives_with_child": r.lives_with_child,
                "parental_responsibility": r.parental_responsibility,
            }
        )
    seen: set[int] = set()
    for inv in sorted(child.involvements.all(), key=lambda i: (i.agency.name, i.started_on)):
        if inv.ended_on and inv.ended_on < today:
            continue
        if inv.agency_id in seen:
            continue
        seen.add(inv.agency_id)
        ident.agencies.append(
            {
                "agency": inv.agency.name,
                "agency_id": str(inv.agency_id),
                "basis": InvolvementBasis(inv.basis).label,
                "since": _long_date(inv.started_on),
            }
        )
    for sp in child.status_periods.all():
        if sp.ended_on and sp.ended_on < today:
            continue
        text = f"{ChildStatus(sp.status).label} since {_long_date(sp.started_on)}"
        if sp.category:
            text += f" (category: {CP_CATEGORIES.get(sp.category, sp.category)})"
        ident.statuses.append(text)
    labels = dict(Disability.choices)
    ident.disabilities = [f"{code} ({labels.get(code, 'unknown code')})" for code in child.disabilities or []]
    ident.ethnicity = f"{Ethnicity(child.ethnicity).label} ({child.ethnicity})" if child.ethnicity else ""
    nhs = child.nhs_number or ""
    ident.nhs_number = f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}" if len(nhs) == 10 else nhs
    return ident


def _chronology_context(request: HttpRequest, user: User, child: Child, basis: Basis) -> dict[str, Any]:
    agencies = list(chronology_agencies(user, child, basis))
    form = ChronologyFilterForm(request.GET or None, agencies=agencies)
    filters = form.filters()
    page = Paginator(chronology_for(user, child, basis, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    pages = (
        list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))
        if page.paginator.num_pages > 1
        else []
    )
    return {
        "child": child,
        "filter_form": form,
        "form": form,  # the error summary reads `form`
        "date_from": form.date_group("from"),
        "date_to": form.date_group("to"),
        "filters_applied": not filters.is_empty,
        "filters_description": form.selected_description(),
        "page": page,
        "pages": pages,
        "rows": _chronology_rows(child, page.object_list),
        "scope_note": _scope_note(user, basis),
        "pdf_url": reverse("people:chronology-pdf", args=[child.pk]),
        "results_target": RESULTS_TARGET,
        "section_target": SECTION_TARGET,
    }


@never_cache
@require_GET
@login_required
def record(request: HttpRequest, child_id: int) -> HttpResponse:
    user = _user(request)
    pointer = merged_into(child_id)
    if pointer is not None:
        # A merged record shows only as the record it was merged into (linkage.merge):
        # opening it is opening the survivor, so the survivor's access rules apply.
        survivor_id, la_child_id = pointer
        try:
            child_for(user, survivor_id, action=Action.VIEW, what="record (merged record followed)")
        except NoRelationship:
            return _no_relationship(request, survivor_id)
        messages.info(
            request,
            f"The record with LA child ID {la_child_id} was found to be the same child as this one "
            "and merged into this record",
        )
        return redirect("people:record", survivor_id)
    target = _partial_target(request)
    results_only = target is not None
    try:
        child, basis = child_for(user, child_id, action=Action.VIEW, what="chronology" if results_only else "record")
    except NoRelationship:
        return _no_relationship(request, child_id)
    context = _chronology_context(request, user, child, basis)

    if results_only:
        context["htmx_partial"] = True
        if target == SECTION_TARGET:
            response = render(request, "people/_chronology.html", context)
        elif context["filter_form"].errors:
            # Show the errors beside the filters: swap the whole chronology section instead.
            response = retarget(render(request, "people/_chronology.html", context), f"#{SECTION_TARGET}")
        else:
            response = render(request, "people/_chronology_results.html", context)
        patch_vary_headers(response, ["HX-Request", "HX-Target"])
        return response

    identity = child_identity(child)
    ident = _identity(identity)
    other_agencies = [a for a in ident.agencies if a["agency_id"] != str(user.agency_id)]
    expires_at = break_glass_expires_at(user, child) if basis is Basis.BREAK_GLASS else None
    context.update(
        {
            "child": identity,
            "basis": basis.value,
            "sees_own_agency_only": basis is Basis.AGENCY,
            "ident": ident,
            "other_agencies": other_agencies,
            # Signals link only to the entries this practitioner may read.
            "signals": child_signals(identity, visible_entries=entries_visible_to(user, child, basis)),
            "record_concern_url": _url("concerns:record", child.pk, fallback=f"/children/{child.pk}/concerns/new/"),
            "who_looked_url": _url("audit:child", child.pk) if user.may_view_audit else "",
            "break_glass_until": timezone.localtime(expires_at) if expires_at else None,
            # The front door and social care correct the child index (access/permissions.py).
            "may_amend": may_amend_child_details(user),
            # What is due: for those who see the whole record (the front door, social care,
            # the child's team); an agency seeing only its own entries sees the status above.
            "pathway_clocks": child_clocks(child) if basis.sees_whole_chronology else None,
            "pathway_episodes": child_open_episodes(child) if basis.sees_whole_chronology else None,
            # The record of every share (sharing/shares.py): the latest few, in one query.
            "information_shares": recent_child_shares(user, child, basis),
            "information_shares_url": _url("sharing:share-list", child.pk),
            "record_share_url": _url("sharing:share-start", child.pk) if may_record_share(user, basis) else "",
        }
    )
    # Who looked up the child's status flag (sharing/flags.py), as NHS CP-IS shows the lead
    # practitioner: for the lead practitioner and whole-LA roles. Two queries at most.
    context["flag_lookups"] = who_looked(child) if may_see_who_looked(user, child) else None
    response = render(request, "people/record.html", context)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


@never_cache
@require_GET
@login_required
def chronology_pdf(request: HttpRequest, child_id: int) -> HttpResponse:
    user = _user(request)
    try:
        child, basis = child_for(user, child_id, action=Action.PRINT, what="chronology pdf")
    except NoRelationship:
        return _no_relationship(request, child_id)
    form = ChronologyFilterForm(request.GET or None, agencies=list(chronology_agencies(user, child, basis)))
    entries = chronology_for(user, child, basis, form.filters())
    now = timezone.now()
    printed_by = user.display_name + (f", {user.agency}" if user.agency_id else "")
    pdf = render_chronology_pdf(
        child=child,
        entries=entries.iterator(chunk_size=500),
        printed_by=printed_by,
        printed_at=now,
        filters_description=form.selected_description(),
        scope_description=_scope_note(user, basis),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    # The LA child ID, not the name: file names end up in download folders and logs.
    filename = f"chronology-{child.la_child_id}-{timezone.localdate(now).isoformat()}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Break-glass ----------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def break_glass(request: HttpRequest, child_id: int) -> HttpResponse:
    user = _user(request)
    if not child_exists(child_id):
        raise Http404("No such child")
    if basis_for(user, child_id) is not Basis.NONE:
        return redirect("people:record", child_id)
    if not (user.agency_id and user.role and user.role.may_break_glass):
        return render(request, "people/break_glass_refused.html", {"has_agency": bool(user.agency_id)}, status=403)
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            break_glass_open(user=user, child_id=child_id, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for name, errors in exc.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            return redirect("people:record", child_id)
    return render(
        request,
        "people/break_glass.html",
        {"form": form, "child_id": child_id, "minutes": BreakGlassForm.minutes()},
    )
