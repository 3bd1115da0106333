"""What every child protection page does first: find the child and check who may see or act.

Reading: `child_for` (audited), then the row filtered by that child; those who see the whole
chronology (social care, the child's team, break-glass) see these records, others only if
the record's chronology entry was shared with their agency. Recording: only roles covering
the whole local authority (protection/permissions.py); anyone else is refused and audited.
"""

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from safeguarding.access.models import User
from safeguarding.access.permissions import Basis, entries_visible_to
from safeguarding.access.services import child_for
from safeguarding.audit.models import Action
from safeguarding.audit.services import audit_record
from safeguarding.core.errors import NoRelationship
from safeguarding.people.models import Child
from safeguarding.protection.forms import PeopleChoices
from safeguarding.protection.permissions import may_record_protection

M = TypeVar("M", bound=Model)


def user_of(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def no_relationship(request: HttpRequest, child_id: int) -> HttpResponse:
    """403 that shows nothing of the child (child_for has audited the refusal)."""
    user = user_of(request)
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


class Refused(Exception):
    """Carries the response for a refused request out of a helper."""

    def __init__(self, response: HttpResponse) -> None:
        self.response = response


def readable(request: HttpRequest, child_id: int, rows: QuerySet[M], pk: int, *, what: str) -> tuple[Child, M]:
    """The child and one of its child protection rows, if the user may read it."""
    user = user_of(request)
    try:
        child, basis = child_for(user, child_id, action=Action.VIEW, what=what)
    except NoRelationship:
        raise Refused(no_relationship(request, child_id)) from None
    row = get_object_or_404(rows, pk=pk, child=child)
    if not basis.sees_whole_chronology and not _shared_with(user, child, basis, row):
        raise Http404(f"No such {what}")
    return child, row


def _shared_with(user: User, child: Child, basis: Basis, row: Model) -> bool:
    return entries_visible_to(user, child, basis).filter(source_type=row._meta.label_lower, source_id=row.pk).exists()


def recordable(request: HttpRequest, child_id: int, *, what: str) -> Child:
    """The child, if the user may record child protection steps; refusals are audited."""
    user = user_of(request)
    try:
        child, _basis = child_for(user, child_id, action=Action.VIEW, what=what)
    except NoRelationship:
        raise Refused(no_relationship(request, child_id)) from None
    if not may_record_protection(user):
        audit_record(
            actor=user, action=Action.DENIED, child=child, detail={"what": f"{what} (only social care may record)"}
        )
        raise PermissionDenied("Only children's social care records child protection steps")
    return child


def refusals(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Turn a `Refused` raised by the helpers into its page."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except Refused as refused:
            return refused.response

    return wrapped


def form_context(child: Child, form: Any, **extra: Any) -> dict[str, Any]:
    return {"child": child, "form": form, **extra}


def choices() -> PeopleChoices:
    return PeopleChoices.load()
