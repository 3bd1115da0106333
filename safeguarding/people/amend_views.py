"""Correcting and extending a child's identity record: details, names, addresses, family.

Only roles covering the whole local authority (the front door, children's social care) may
(access/permissions.py); others are refused, and the refusal is audited, through the usual
`child_for`. Every change is made by a service in people/services.py, which audits the old
and new values; "Changes to this child's details" reads them back.
"""

import contextlib
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from safeguarding.access.models import User
from safeguarding.access.permissions import may_amend_child_details
from safeguarding.access.services import child_for
from safeguarding.audit.models import Action
from safeguarding.core.errors import NoRelationship
from safeguarding.people.amend_forms import (
    AddressMoveForm,
    ChildDetailsForm,
    NameAddForm,
    NameChangeForm,
    RelationshipAddForm,
    RelationshipEndForm,
    apply_service_errors,
)
from safeguarding.people.details import PAGE_SIZE, current_addresses, describe, details_changes
from safeguarding.people.models import Child, NameKind, Relationship
from safeguarding.people.services import (
    child_address_move,
    child_identity_amend,
    child_name_add,
    child_name_change,
    relationship_add,
    relationship_end,
    relationship_who,
)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _child_to_amend(request: HttpRequest, child_id: int, what: str) -> Child | HttpResponse:
    """The child, for a practitioner who may correct the index; otherwise the refusal page.

    A practitioner who may not is refused through `child_for` all the same, so that the
    attempt is audited as DENIED whether or not they may read the record, and a child that
    does not exist is a 404 for everyone.
    """
    user = _user(request)
    if not may_amend_child_details(user):
        # Audited as refused either way; NoRelationship only says they may not read it either.
        with contextlib.suppress(NoRelationship):
            child_for(user, child_id, action=Action.DENIED, what=f"{what} (only the front door may change)")
        return render(request, "people/amend_refused.html", {}, status=403)
    try:
        child, _basis = child_for(user, child_id, action=Action.VIEW, what=what)
    except NoRelationship:  # pragma: no cover: a role covering the whole LA always has a basis
        return render(request, "people/amend_refused.html", {}, status=403)
    return child


def _render(request: HttpRequest, template: str, child: Child, form: Any, **extra: Any) -> HttpResponse:
    return render(request, template, {"child": child, "form": form, **extra})


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def amend_details(request: HttpRequest, child_id: int) -> HttpResponse:
    found = _child_to_amend(request, child_id, "change child's details form")
    if isinstance(found, HttpResponse):
        return found
    child = found
    if request.method == "POST":
        form = ChildDetailsForm(request.POST)
        if form.is_valid():
            try:
                child_identity_amend(
                    child=child, changes=form.changes(), reason=form.cleaned_data["reason"], by=_user(request)
                )
            except ValidationError as exc:
                apply_service_errors(form, exc, ChildDetailsForm.FIELD_FOR)
            else:
                messages.success(request, "The child's details have been changed")
                return redirect("people:record", child.pk)
    else:
        form = ChildDetailsForm(initial=ChildDetailsForm.initial_for(child))
    return _render(request, "people/amend_details.html", child, form)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def name_add(request: HttpRequest, child_id: int) -> HttpResponse:
    found = _child_to_amend(request, child_id, "add a name form")
    if isinstance(found, HttpResponse):
        return found
    child = found
    form = NameAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            child_name_add(
                child=child,
                first_name=d["first_name"],
                middle_names=d["middle_names"],
                last_name=d["last_name"],
                kind=d["kind"],
                used_from=d["used_from"],
                reason=d["reason"],
                by=_user(request),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, NameAddForm.FIELD_FOR)
        else:
            messages.success(request, f"{NameKind(d['kind']).label} added")
            return redirect("people:record", child.pk)
    return _render(request, "people/name_add.html", child, form)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def name_change(request: HttpRequest, child_id: int) -> HttpResponse:
    found = _child_to_amend(request, child_id, "change legal name form")
    if isinstance(found, HttpResponse):
        return found
    child = found
    form = NameChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            child_name_change(
                child=child,
                first_name=d["first_name"],
                middle_names=d["middle_names"],
                last_name=d["last_name"],
                reason=d["reason"],
                by=_user(request),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, {})
        else:
            messages.success(request, "The child's legal name has been changed")
            return redirect("people:record", child.pk)
    return _render(request, "people/name_change.html", child, form)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def address_move(request: HttpRequest, child_id: int) -> HttpResponse:
    found = _child_to_amend(request, child_id, "new address form")
    if isinstance(found, HttpResponse):
        return found
    child = found
    form = AddressMoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            child_address_move(
                child=child,
                line1=d["line1"],
                line2=d["line2"],
                town=d["town"],
                postcode=d["postcode"],
                moved_in=d["moved_in"],
                by=_user(request),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, AddressMoveForm.FIELD_FOR)
        else:
            messages.success(request, "The child's new address has been recorded")
            return redirect("people:record", child.pk)
    return _render(request, "people/address_move.html", child, form, current_addresses=current_addresses(child))


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def relationship_add_view(request: HttpRequest, child_id: int) -> HttpResponse:
    found = _child_to_amend(request, child_id, "add a family or household member form")
    if isinstance(found, HttpResponse):
        return found
    child = found
    form = RelationshipAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        person = form.person()
        try:
            relationship_add(
                child=child,
                relationship=d["relationship"],
                person=person,
                related_child_id=None if person is not None else d["related_child_id"],
                lives_with_child=d["lives_with_child"] == "yes",
                parental_responsibility=d["parental_responsibility"] == "yes",
                started_on=d["started"],
                by=_user(request),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, RelationshipAddForm.FIELD_FOR)
        else:
            messages.success(request, "The family or household member has been added")
            return redirect("people:record", child.pk)
    return _render(request, "people/relationship_add.html", child, form)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def relationship_end_view(request: HttpRequest, child_id: int, rel_id: int) -> HttpResponse:
    found = _child_to_amend(request, child_id, "left the household form")
    if isinstance(found, HttpResponse):
        return found
    child = found
    relationship = get_object_or_404(
        Relationship.objects.select_related("person", "related_child"), pk=rel_id, child=child
    )
    who = relationship_who(relationship)
    form = RelationshipEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            relationship_end(
                relationship=relationship,
                ended_on=form.cleaned_data["ended"],
                reason=form.cleaned_data["reason"],
                by=_user(request),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, RelationshipEndForm.FIELD_FOR)
        else:
            messages.success(request, f"{who} has been recorded as having left the household")
            return redirect("people:record", child.pk)
    return _render(
        request,
        "people/relationship_end.html",
        child,
        form,
        who=who,
        relationship=relationship.get_relationship_display().lower(),
        relationship_is_child=relationship.related_child_id is not None,
    )


@never_cache
@require_GET
@login_required
def details_history(request: HttpRequest, child_id: int) -> HttpResponse:
    found = _child_to_amend(request, child_id, "changes to child's details")
    if isinstance(found, HttpResponse):
        return found
    child = found
    page = Paginator(details_changes(child), PAGE_SIZE).get_page(request.GET.get("page"))
    pages = (
        list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))
        if page.paginator.num_pages > 1
        else []
    )
    return render(
        request,
        "people/details_history.html",
        {"child": child, "page": page, "pages": pages, "changes": [describe(e) for e in page.object_list]},
    )
