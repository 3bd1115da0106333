"""The clerical review queue (issue 4, item 4): pairs of records the model could not decide
on, compared side by side; merging them, or recording that they are different children;
recent merges, and undoing one.

Only reviewers of identity links (`linkage.permissions.may_review_links`) see these pages:
anyone else gets 403. Each page audits the children it shows (a list as one event naming
them, a comparison through `child_for` for each child). Every write goes through
`linkage.merge`.
"""

import dataclasses
from datetime import date, datetime
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safeguarding.access.models import User
from safeguarding.access.services import child_for
from safeguarding.audit.models import Action
from safeguarding.audit.services import audit_record
from safeguarding.core.errors import DomainError, NoRelationship
from safeguarding.core.forms import Options, apply_service_errors
from safeguarding.linkage.merge import (
    MergeRefused,
    child_merge,
    child_merge_plan,
    child_unmerge,
    describe_counts,
    merge_refusals,
    review_pair_decide_distinct,
    unmerge_counts,
    unmerge_refusals,
)
from safeguarding.linkage.models import ChildMerge, ReviewPair, ReviewStatus, SourceRecord
from safeguarding.linkage.permissions import may_review_links
from safeguarding.people.codes import Sex
from safeguarding.people.models import Child, ChildAddress, ChildName, SchoolEnrolment

PAGE_SIZE = 50
REASON_MAX = 2000


def _reviewer(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    if not may_review_links(user):
        raise PermissionDenied("Only reviewers of identity links see the review queue")
    return user


def _open(user: User, child_id: int, what: str) -> Child:
    """The child, through `child_for`, which audits the view. Reviewers cover the whole local
    authority, so a refusal here means their role changed under them."""
    try:
        child, _basis = child_for(user, child_id, action=Action.VIEW, what=what, follow_merges=False)
    except NoRelationship:
        raise PermissionDenied("You cannot see this child's record") from None
    return child


def _open_pair(user: User, pair: ReviewPair, what: str) -> tuple[Child, Child]:
    return _open(user, pair.child_a_id, what), _open(user, pair.child_b_id, what)


def _page_range(page: Any) -> Any:
    return page.paginator.get_elided_page_range(page.number)


# --- Forms ----------------------------------------------------------------------------------


def _long(moment: datetime) -> str:
    return dateformat.format(timezone.localtime(moment), "j F Y")


def _reason_field(label: str, required: str, hint: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": required,
            "max_length": f"The reason must be {REASON_MAX} characters or fewer",
        },
    )


class MergeForm(forms.Form):
    survivor = forms.TypedChoiceField(
        label="Which record should be kept?",
        coerce=int,
        error_messages={
            "required": "Select which record to keep",
            "invalid_choice": "Select which record to keep",
        },
    )
    reason = _reason_field(
        "Why are these the same child?",
        "Enter why these records are the same child",
        "For example, the school confirmed the date of birth and that Jayden is known as Jaiden",
    )

    prefix = "merge"

    def __init__(self, *args: Any, children: tuple[Child, Child], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The older record is kept unless the reviewer says otherwise.
        older = min(children, key=lambda c: (c.created_at, c.pk))
        choices = [(c.pk, c.display_name or c.la_child_id) for c in children]
        survivor = cast(forms.TypedChoiceField, self.fields["survivor"])
        survivor.choices = choices
        survivor.initial = older.pk
        self.options = {
            "survivor": Options(
                self["survivor"],
                choices,
                hints={
                    str(c.pk): f"LA child ID {c.la_child_id}, on the index since {_long(c.created_at)}"
                    + (" (the older record)" if c.pk == older.pk else "")
                    for c in children
                },
            )
        }


class DistinctForm(forms.Form):
    reason = _reason_field(
        "Why are these different children?",
        "Enter why these are different children",
        "For example, they are twins: the school has both on its roll",
    )

    prefix = "distinct"


class UndoForm(forms.Form):
    reason = _reason_field("Why should this merge be undone?", "Enter why this merge should be undone")


# --- The queue ------------------------------------------------------------------------------


@never_cache
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    """Open pairs, strongest first. A pair whose child has since been merged elsewhere is
    left out (it comes back if that merge is undone)."""
    user = _reviewer(request)
    pairs = (
        ReviewPair.objects.filter(
            status=ReviewStatus.OPEN, child_a__merged_into__isnull=True, child_b__merged_into__isnull=True
        )
        .select_related("child_a", "child_b")
        .order_by("-match_weight", "id")
    )
    page = Paginator(pairs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    audit_record(
        actor=user,
        action=Action.VIEW,
        detail={
            "what": "identity review queue",
            "page": page.number,
            "children": sorted({pk for p in rows for pk in (p.child_a_id, p.child_b_id)}),
        },
    )
    return render(
        request,
        "linkage/review_queue.html",
        {"page": page, "page_range": _page_range(page), "rows": [_queue_row(p) for p in rows]},
    )


@dataclasses.dataclass
class QueueRow:
    pair: ReviewPair
    a: Child
    b: Child
    weight: str
    probability: str
    url: str


def _weight(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:+.1f}".replace("-", "\u2212")


def _probability(value: float) -> str:
    if value >= 0.999:
        return "over 99.9%"
    if value < 0.001:
        return "under 0.1%"
    return f"{value:.1%}"


def _queue_row(pair: ReviewPair) -> QueueRow:
    return QueueRow(
        pair=pair,
        a=pair.child_a,
        b=pair.child_b,
        weight=_weight(pair.match_weight),
        probability=_probability(pair.match_probability),
        url=reverse("linkage:review-pair", args=[pair.pk]),
    )


# --- Side by side ---------------------------------------------------------------------------


@dataclasses.dataclass
class Side:
    """What tells two records apart, as plain values for the template."""

    child: Child
    url: str
    name: str
    other_names: list[str]
    date_of_birth: date | None
    expected_date_of_birth: date | None
    sex: str
    nhs_number: str
    upn: str
    la_child_id: str
    addresses: list[str]
    postcode: str
    schools: list[str]
    sources: list[SourceRecord]
    chronology_count: int
    created_at: datetime


def _nhs(value: str | None) -> str:
    v = value or ""
    return f"{v[:3]} {v[3:6]} {v[6:]}" if len(v) == 10 else v


def _full(n: ChildName) -> str:
    return " ".join(p for p in (n.first_name, n.middle_names, n.last_name) if p)


def _sides(*child_ids: int) -> list[Side]:
    """Both children with names, current address and school, agency records and the size of
    their chronology, in a fixed number of queries."""
    children = {
        c.pk: c
        for c in Child.objects.filter(pk__in=child_ids)
        .annotate(chronology_count=Count("chronology", distinct=True))
        .prefetch_related(
            Prefetch("names", queryset=ChildName.objects.order_by("kind", "id")),
            Prefetch(
                "addresses",
                queryset=ChildAddress.objects.filter(moved_out__isnull=True)
                .select_related("address")
                .order_by("-moved_in", "-id"),
                to_attr="current_addresses",
            ),
            Prefetch(
                "enrolments",
                queryset=SchoolEnrolment.objects.filter(ended_on__isnull=True).select_related("school"),
                to_attr="current_enrolments",
            ),
            Prefetch(
                "source_records",
                queryset=SourceRecord.objects.select_related("agency").order_by("received_at", "id"),
                to_attr="sources",
            ),
        )
    }
    sides = []
    for pk in child_ids:
        c = children[pk]
        names = list(c.names.all())
        legal = next((n for n in names if n.kind == "legal"), None)
        sides.append(
            Side(
                child=c,
                url=reverse("people:record", args=[c.pk]),
                name=_full(legal) if legal else (c.display_name or c.la_child_id),
                other_names=[f"{_full(n)} ({n.get_kind_display().lower()})" for n in names if n is not legal],
                date_of_birth=c.date_of_birth,
                expected_date_of_birth=c.expected_date_of_birth,
                sex=str(Sex(c.sex).label) if c.sex in Sex.values else c.sex,
                nhs_number=_nhs(c.nhs_number),
                upn=c.upn or "",
                la_child_id=c.la_child_id,
                addresses=[str(ca.address) for ca in getattr(c, "current_addresses", [])],
                postcode=c.current_postcode,
                schools=[e.school.name for e in getattr(c, "current_enrolments", [])],
                sources=list(getattr(c, "sources", [])),
                chronology_count=getattr(c, "chronology_count", 0),
                created_at=c.created_at,
            )
        )
    return sides


@dataclasses.dataclass
class Reason:
    comparison: str
    level: str
    weight: str
    evidence: str  # "agrees", "disagrees" or "neutral": shown as words, coloured as well


def _reasons(pair: ReviewPair) -> list[Reason]:
    reasons = []
    for item in pair.comparison or []:
        if not isinstance(item, dict):
            continue
        name = str(item.get("comparison", ""))
        if name and name == name.lower() and " " not in name:
            name = name.replace("_", " ").capitalize()  # a column name such as "first_name"
        raw = item.get("weight")
        weight = float(raw) if isinstance(raw, int | float) else None
        evidence = "neutral" if not weight else "agrees" if weight > 0 else "disagrees"
        reasons.append(Reason(name, str(item.get("level", "")), _weight(weight), evidence))
    return reasons


def _compare(
    request: HttpRequest,
    pair: ReviewPair,
    children: tuple[Child, Child],
    *,
    merge_form: MergeForm | None = None,
    distinct_form: DistinctForm | None = None,
) -> HttpResponse:
    """The comparison page, for two children already opened (and audited) by the caller."""
    a, b = _sides(pair.child_a_id, pair.child_b_id)
    merge_form = merge_form or MergeForm(children=children)
    distinct_form = distinct_form or DistinctForm()
    either_merged = any(c.merged_into_id is not None for c in children)
    decidable = pair.status == ReviewStatus.OPEN and not either_merged
    refusals = merge_refusals(survivor=a.child, merged=b.child) if decidable else []
    failed = merge_form if merge_form.errors else distinct_form if distinct_form.errors else None
    return render(
        request,
        "linkage/review_pair.html",
        {
            "pair": pair,
            "a": a,
            "b": b,
            "reasons": _reasons(pair),
            "weight": _weight(pair.match_weight),
            "probability": _probability(pair.match_probability),
            "merge_form": merge_form,
            "distinct_form": distinct_form,
            # The error summary (and the page title's "Error:") read `form`.
            "form": failed,
            "decidable": decidable,
            "either_merged": either_merged,
            "refusals": refusals,
            "merge": pair.merges.filter(undone_at__isnull=True).first() if pair.status == ReviewStatus.MERGED else None,
        },
    )


def _pair(pk: int) -> ReviewPair:
    return get_object_or_404(ReviewPair.objects.select_related("model", "decided_by"), pk=pk)


@never_cache
@require_GET
def review_pair(request: HttpRequest, pk: int) -> HttpResponse:
    user = _reviewer(request)
    pair = _pair(pk)
    return _compare(request, pair, _open_pair(user, pair, "identity review comparison"))


@never_cache
@require_POST
def review_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Merge, through a confirmation page that lists what will move."""
    user = _reviewer(request)
    pair = _pair(pk)
    a, b = _open_pair(user, pair, "identity review merge")
    form = MergeForm(request.POST, children=(a, b))
    if not form.is_valid():
        return _compare(request, pair, (a, b), merge_form=form)
    survivor, merged = (a, b) if form.cleaned_data["survivor"] == a.pk else (b, a)
    refusals = merge_refusals(survivor=survivor, merged=merged, review_pair=pair)
    if refusals:
        for reason in refusals:
            form.add_error(None, reason)
        return _compare(request, pair, (a, b), merge_form=form)
    if request.POST.get("confirm") != "yes":
        plan = child_merge_plan(survivor=survivor, merged=merged)
        return render(
            request,
            "linkage/merge_confirm.html",
            {
                "pair": pair,
                "form": form,
                "survivor": survivor,
                "merged": merged,
                "moving": describe_counts(plan.moving),
                "staying": describe_counts(plan.staying),
                "identifiers": [
                    ("NHS number" if k == "nhs_number" else "UPN", _nhs(v) if k == "nhs_number" else v)
                    for k, v in plan.identifiers.items()
                ],
                "aliases": plan.legal_names_becoming_aliases,
            },
        )
    try:
        child_merge(survivor=survivor, merged=merged, reason=form.cleaned_data["reason"], by=user, review_pair=pair)
    except MergeRefused as exc:
        for reason in exc.reasons:
            form.add_error(None, reason)
    except ValidationError as exc:
        apply_service_errors(form, exc, {})
    except DomainError as exc:
        form.add_error(None, str(exc))
    else:
        messages.success(
            request,
            f"The records were merged. {survivor.display_name or survivor.la_child_id} "
            f"(LA child ID {survivor.la_child_id}) is the record kept",
        )
        return redirect("linkage:review")
    return _compare(request, _pair(pk), (a, b), merge_form=form)


@never_cache
@require_POST
def review_distinct(request: HttpRequest, pk: int) -> HttpResponse:
    user = _reviewer(request)
    pair = _pair(pk)
    children = _open_pair(user, pair, "identity review decision")
    form = DistinctForm(request.POST)
    if form.is_valid():
        try:
            review_pair_decide_distinct(pair=pair, reason=form.cleaned_data["reason"], by=user)
        except ValidationError as exc:
            apply_service_errors(form, exc, {})
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Recorded: these are different children. The pair will not be queued again")
            return redirect("linkage:review")
    return _compare(request, _pair(pk), children, distinct_form=form)


# --- Merges and undoing one -----------------------------------------------------------------


@never_cache
@require_GET
def merge_list(request: HttpRequest) -> HttpResponse:
    user = _reviewer(request)
    merges = ChildMerge.objects.select_related("survivor", "merged", "merged_by", "undone_by").order_by(
        "-merged_at", "-id"
    )
    page = Paginator(merges, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    audit_record(
        actor=user,
        action=Action.VIEW,
        detail={
            "what": "identity merges",
            "page": page.number,
            "children": sorted({pk for m in rows for pk in (m.survivor_id, m.merged_id)}),
        },
    )
    return render(request, "linkage/merge_list.html", {"page": page, "page_range": _page_range(page), "rows": rows})


@never_cache
@require_http_methods(["GET", "POST"])
def merge_undo(request: HttpRequest, pk: int) -> HttpResponse:
    """Undo a merge: a confirmation page saying what goes back, with the reason."""
    user = _reviewer(request)
    merge = get_object_or_404(ChildMerge.objects.select_related("merged_by"), pk=pk)
    survivor = _open(user, merge.survivor_id, "identity merge undo")
    merged = _open(user, merge.merged_id, "identity merge undo")
    refusals = unmerge_refusals(merge)
    form = UndoForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and not refusals and form.is_valid():
        try:
            child_unmerge(merge=merge, reason=form.cleaned_data["reason"], by=user)
        except ValidationError as exc:
            apply_service_errors(form, exc, {})
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"The merge was undone. {merged.display_name or merged.la_child_id} "
                f"(LA child ID {merged.la_child_id}) has their own record again",
            )
            return redirect("linkage:merges")
    return render(
        request,
        "linkage/merge_undo.html",
        {
            "merge": merge,
            "survivor": survivor,
            "merged": merged,
            "form": form,
            "refusals": refusals,
            "returning": describe_counts(unmerge_counts(merge)) if not refusals else [],
        },
    )
