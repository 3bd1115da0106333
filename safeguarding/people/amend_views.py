"""Correcting and extending a child's identity record: details, names, addresses, family.

Only roles covering the whole local authority (the front door, children's social care) may
(access/permissions.py); others are refused, and the refusal is audited, through the usual
`child_for`. Every change is made by a service in people/services.py, which audits the old
and new values; "Changes to this child's details" reads them back.
"""

import contextlib
import functools
from collections.abc import Callable
from typing import Any

from django import forms
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
from safeguarding.core.forms import apply_service_errors
from safeguarding.people.amend_forms import (
    AddressMoveForm,
    ChildDetailsForm,
    NameAddForm,
    NameChangeForm,
    RelationshipAddForm,
    RelationshipEndForm,
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

View = Callable[..., HttpResponse]


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


def _for_amender(what: str) -> Callable[[View], View]:
    """For a view of the child's identity record: it is given the child in place of its id,
    once `_child_to_amend` has let the practitioner in (audited as `what`)."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, child_id: int, **kwargs: Any) -> HttpResponse:
            found = _child_to_amend(request, child_id, what)
            if isinstance(found, HttpResponse):
                return found
            return view(request, found, **kwargs)

        return wrapped

    return decorate


def _amend(
    request: HttpRequest,
    child: Child,
    form: forms.Form,
    *,
    save: Callable[[dict[str, Any]], object],
    field_for: dict[str, str],
    done: str | Callable[[dict[str, Any]], str],
    template: str,
    context: Callable[[], dict[str, Any]] = dict,
) -> HttpResponse:
    """What every change makes of a form: once it is valid, `save` (given the cleaned data)
    calls the service; its refusal is shown beside the questions (`field_for`), its success
    is the message `done` and back to the record. Otherwise the form page (`template`), with
    what `context` adds (worked out only when the page is shown)."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc, field_for)
        else:
            messages.success(request, done if isinstance(done, str) else done(form.cleaned_data))
            return redirect("people:record", child.pk)
    return render(request, template, {"child": child, "form": form, **context()})


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
@_for_amender("change child's details form")
def amend_details(request: HttpRequest, child: Child) -> HttpResponse:
    if request.method == "POST":
        form = ChildDetailsForm(request.POST)
    else:
        form = ChildDetailsForm(initial=ChildDetailsForm.initial_for(child))

    def save(d: dict[str, Any]) -> None:
        child_identity_amend(child=child, changes=form.changes(), reason=d["reason"], by=_user(request))

    return _amend(
        request,
        child,
        form,
        save=save,
        field_for=ChildDetailsForm.FIELD_FOR,
        done="The child's details have been changed",
        template="people/amend_details.html",
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
@_for_amender("add a name form")
def name_add(request: HttpRequest, child: Child) -> HttpResponse:
    def save(d: dict[str, Any]) -> None:
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

    return _amend(
        request,
        child,
        NameAddForm(request.POST or None),
        save=save,
        field_for=NameAddForm.FIELD_FOR,
        done=lambda d: f"{NameKind(d['kind']).label} added",
        template="people/name_add.html",
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
@_for_amender("change legal name form")
def name_change(request: HttpRequest, child: Child) -> HttpResponse:
    def save(d: dict[str, Any]) -> None:
        child_name_change(
            child=child,
            first_name=d["first_name"],
            middle_names=d["middle_names"],
            last_name=d["last_name"],
            reason=d["reason"],
            by=_user(request),
        )

    return _amend(
        request,
        child,
        NameChangeForm(request.POST or None),
        save=save,
        field_for={},
        done="The child's legal name has been changed",
        template="people/name_change.html",
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
@_for_amender("new address form")
def address_move(request: HttpRequest, child: Child) -> HttpResponse:
    def save(d: dict[str, Any]) -> None:
        child_address_move(
            child=child,
            line1=d["line1"],
            line2=d["line2"],
            town=d["town"],
            postcode=d["postcode"],
            moved_in=d["moved_in"],
            by=_user(request),
        )

    return _amend(
        request,
        child,
        AddressMoveForm(request.POST or None),
        save=save,
        field_for=AddressMoveForm.FIELD_FOR,
        done="The child's new address has been recorded",
        template="people/address_move.html",
        context=lambda: {"current_addresses": current_addresses(child)},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
@_for_amender("add a family or household member form")
def relationship_add_view(request: HttpRequest, child: Child) -> HttpResponse:
    form = RelationshipAddForm(request.POST or None)

    def save(d: dict[str, Any]) -> None:
        person = form.person()
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

    return _amend(
        request,
        child,
        form,
        save=save,
        field_for=RelationshipAddForm.FIELD_FOR,
        done="The family or household member has been added",
        template="people/relationship_add.html",
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
@_for_amender("left the household form")
def relationship_end_view(request: HttpRequest, child: Child, rel_id: int) -> HttpResponse:
    relationship = get_object_or_404(
        Relationship.objects.select_related("person", "related_child"), pk=rel_id, child=child
    )
    who = relationship_who(relationship)

    def save(d: dict[str, Any]) -> None:
        relationship_end(relationship=relationship, ended_on=d["ended"], reason=d["reason"], by=_user(request))

    return _amend(
        request,
        child,
        RelationshipEndForm(request.POST or None),
        save=save,
        field_for=RelationshipEndForm.FIELD_FOR,
        done=f"{who} has been recorded as having left the household",
        template="people/relationship_end.html",
        context=lambda: {
            "who": who,
            "relationship": relationship.get_relationship_display().lower(),
            "relationship_is_child": relationship.related_child_id is not None,
        },
    )


@never_cache
@require_GET
@login_required
@_for_amender("changes to child's details")
def details_history(request: HttpRequest, child: Child) -> HttpResponse:
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
