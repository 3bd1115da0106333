"""What every protection service shares: who may record, dates, attendee rows, team membership."""

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError

from safeguarding.access.models import Agency, ChildTeamMembership, User
from safeguarding.access.services import team_member_add
from safeguarding.core import calendar
from safeguarding.core.calendar import long_date
from safeguarding.core.errors import DomainError
from safeguarding.frontdoor.models import Referral, ReferralClosure
from safeguarding.people.models import Child
from safeguarding.protection.models import Discipline
from safeguarding.protection.permissions import may_record_protection
from safeguarding.protection.selectors import plan_membership_ids

INVITEE_CAPACITY = "child protection conference invitee"
CORE_GROUP_CAPACITY = "core group member"


class AttendeeInput(NamedTuple):
    """Someone who took part in a strategy discussion or is in a core group."""

    practitioner: User | None
    name: str
    agency: Agency | None
    discipline: str


class InviteeInput(NamedTuple):
    """Someone invited to a conference: whether they came and whether they sent a report."""

    practitioner: User | None
    name: str
    agency: Agency | None
    discipline: str
    attended: bool = True
    report_provided: bool = False
    report_summary: str = ""


def require_recorder(by: User, what: str) -> None:
    """Only the front door and children's social care (roles covering the whole LA) record
    the child protection steps; other agencies take part in them."""
    if not may_record_protection(by):
        raise DomainError(f"Only children's social care can record {what}.")


def require_open_referral(referral: Referral, what: str) -> None:
    closure = ReferralClosure.objects.filter(referral=referral).only("closed_on").first()
    if closure is not None:
        raise DomainError(f"This referral was closed on {long_date(closure.closed_on)}: {what} needs an open referral.")


def check_date(
    errors: dict[str, str],
    field: str,
    value: date | None,
    *,
    enter: str,
    label: str,
    not_before: Sequence[tuple[date, str]] = (),
    after: Sequence[tuple[date, str]] = (),
    today: date | None = None,
) -> None:
    """The date must be given, not in the future, on or after each of `not_before` (a date,
    and what happened on it: "the referral date") and strictly after each of `after`."""
    if value is None:
        errors[field] = enter
        return
    if isinstance(value, datetime):
        raise TypeError(f"{field} must be a date")
    if value > (today or calendar.today()):
        errors[field] = f"{label} must be today or in the past"
        return
    for earliest, what in not_before:
        if value < earliest:
            errors[field] = f"{label} must be on or after {what}, {long_date(earliest)}"
            return
    for earliest, what in after:
        if value <= earliest:
            errors[field] = f"{label} must be after {what}, {long_date(earliest)}"
            return


def check_text(errors: dict[str, str], field: str, value: str, enter: str) -> str:
    value = (value or "").strip()
    if not value:
        errors[field] = enter
    return value


def _coerce(rows: Iterable[Any], kind: type[Any]) -> list[Any]:
    return [row if isinstance(row, kind) else kind(*row) for row in rows]


def clean_people(errors: dict[str, str], field: str, rows: Iterable[Any], kind: type[Any], *, enter: str) -> list[Any]:
    """Attendee or invitee rows: each names someone (or a practitioner, whose name is taken)
    and says which part of the partnership they speak for."""
    people = _coerce(rows, kind)
    if not people:
        errors[field] = enter
        return []
    cleaned = []
    for n, person in enumerate(people, start=1):
        name = (person.name or "").strip() or (person.practitioner.display_name if person.practitioner else "")
        if not name:
            errors[field] = f"Enter the name of person {n}"
            continue
        if person.discipline not in Discipline.values:
            errors[field] = f"Select which part of the partnership {name} speaks for"
            continue
        agency = person.agency if person.agency is not None else getattr(person.practitioner, "agency", None)
        cleaned.append(person._replace(name=name[:200], agency=agency))
    return cleaned


def raise_if(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


def join_team(
    *, child: Child, practitioner: User, capacity: str, by: User, reuse: dict[int, ChildTeamMembership]
) -> ChildTeamMembership:
    """A practitioner joins the child's team for the plan (Working Together 2023: the core
    group and conference invitees work with the child). One membership per practitioner and
    capacity within a plan: `reuse` holds the plan's open ones of this capacity."""
    existing = reuse.get(practitioner.pk)
    if existing is not None:
        return existing
    membership = team_member_add(child=child, practitioner=practitioner, capacity=capacity, by=by)
    reuse[practitioner.pk] = membership
    return membership


def plan_open_memberships(plan: Any, capacity: str) -> dict[int, ChildTeamMembership]:
    """The plan's open team memberships of one capacity, by practitioner (for `join_team`)."""
    rows = ChildTeamMembership.objects.filter(
        pk__in=plan_membership_ids(plan), capacity=capacity, ended_at__isnull=True
    ).order_by("pk")
    return {m.practitioner_id: m for m in rows}
