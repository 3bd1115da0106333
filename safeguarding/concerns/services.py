"""Recording and amending concerns and agency events. Each writes the chronology and the
audit in the same transaction, and re-evaluates the child's signals."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safeguarding.access.models import Agency, InvolvementBasis, User
from safeguarding.access.services import involvement_ensure
from safeguarding.audit.models import Action
from safeguarding.audit.services import audit_record
from safeguarding.concerns.chronology import chronology_record, chronology_refresh
from safeguarding.concerns.models import (
    AgencyEvent,
    BodyRegion,
    Category,
    Concern,
    ConcernAmendment,
)
from safeguarding.concerns.signal_rules import signals_evaluate
from safeguarding.people.models import Child
from safeguarding.people.services import NewChild, child_create

AMENDABLE_FIELDS = (
    "occurred_at",
    "what_happened",
    "childs_words",
    "categories",
    "immediate_danger",
    "action_taken",
    "injury_locations",
    "injury_description",
)


@dataclass
class ConcernInput:
    occurred_at: datetime
    what_happened: str
    action_taken: str
    categories: list[str]
    childs_words: str = ""
    immediate_danger: bool = False
    injury_locations: list[str] = field(default_factory=list)
    injury_description: str = ""


def concern_validate(data: ConcernInput) -> None:
    """The rules a concern must meet, raised as one ValidationError keyed by field.

    Public so that forms can report every problem at once; the services call it again.
    """
    errors: dict[str, str] = {}
    if timezone.is_naive(data.occurred_at):
        raise ValueError("occurred_at must be timezone-aware")
    if data.occurred_at > timezone.now() + timedelta(minutes=5):
        errors["occurred_at"] = "The date it happened must be today or in the past"
    if not data.what_happened.strip():
        errors["what_happened"] = "Enter what you saw or heard"
    if not data.action_taken.strip():
        errors["action_taken"] = "Enter the action you have taken"
    if not data.categories:
        errors["categories"] = "Select at least one category"
    elif set(data.categories) - set(Category.values):
        errors["categories"] = "Select categories from the list"
    if set(data.injury_locations) - set(BodyRegion.values):
        errors["injury_locations"] = "Select injury locations from the body map"
    if errors:
        raise ValidationError(errors)


def concern_summary(concern: Concern) -> str:
    text = concern.what_happened.strip()
    return text if len(text) <= 300 else text[:297] + "..."


@transaction.atomic
def concern_record(*, child: Child, data: ConcernInput, by: User) -> Concern:
    """Record a concern from the author's agency. The agency becomes involved with the child."""
    if by.agency_id is None:
        raise ValidationError("Only practitioners who belong to an agency can record concerns")
    concern_validate(data)
    assert isinstance(by.agency, Agency)
    concern = Concern.objects.create(
        child=child,
        agency=by.agency,
        author=by,
        occurred_at=data.occurred_at,
        what_happened=data.what_happened.strip(),
        childs_words=data.childs_words.strip(),
        categories=sorted(set(data.categories)),
        immediate_danger=data.immediate_danger,
        action_taken=data.action_taken.strip(),
        injury_locations=sorted(set(data.injury_locations)),
        injury_description=data.injury_description.strip(),
    )
    involvement_ensure(child=child, agency=by.agency, basis=InvolvementBasis.RECORDED)
    chronology_record(
        child=child,
        kind_key="concern",
        source=concern,
        agency=by.agency,
        author=by,
        occurred_at=concern.occurred_at,
        recorded_at=concern.recorded_at,
        summary=concern_summary(concern),
        categories=concern.categories,
        immediate_danger=concern.immediate_danger,
        injury=bool(concern.injury_locations),
    )
    audit_record(
        actor=by,
        action=Action.CREATE,
        child=child,
        obj=concern,
        detail={"categories": concern.categories, "immediate_danger": concern.immediate_danger},
    )
    signals_evaluate(child=child)
    return concern


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _normalise(field_name: str, value: Any) -> Any:
    """Store amended values exactly as concern_record stores new ones, so that an unchanged
    answer is not recorded as a change (text is stripped, lists are sorted sets)."""
    if field_name in ("categories", "injury_locations"):
        return sorted(set(value))
    if isinstance(value, str):
        return value.strip()
    return value


@transaction.atomic
def concern_amend(*, concern: Concern, changes: dict[str, Any], reason: str, by: User) -> ConcernAmendment:
    """Correct a concern. The original stays; the amendment records old and new values and why.

    Only the author's agency may amend its own record (others add their own concern).
    """
    concern = Concern.objects.select_for_update().get(pk=concern.pk)
    if by.agency_id != concern.agency_id:
        raise ValidationError("Only the agency that recorded a concern can amend it")
    if not reason.strip():
        raise ValidationError({"reason": "Enter the reason for the amendment"})
    unknown = set(changes) - set(AMENDABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not amendable: {sorted(unknown)}")
    if "occurred_at" in changes and timezone.is_naive(changes["occurred_at"]):
        raise ValueError("occurred_at must be timezone-aware")
    changed = {f: new for f, v in changes.items() if (new := _normalise(f, v)) != getattr(concern, f)}
    if not changed:
        raise ValidationError("Nothing has changed: change at least one answer, or cancel")
    diff = {f: {"old": _jsonable(getattr(concern, f)), "new": _jsonable(v)} for f, v in changed.items()}
    proposed = ConcernInput(**{f: changed.get(f, getattr(concern, f)) for f in ConcernInput.__dataclass_fields__})
    concern_validate(proposed)
    amendment = ConcernAmendment.objects.create(concern=concern, amended_by=by, reason=reason.strip(), changes=diff)
    # The concern row holds the current version; the amendment rows hold every earlier one.
    for f, v in changed.items():
        setattr(concern, f, v)
    concern.save(update_fields=list(changed))
    chronology_refresh(
        source=concern,
        summary=concern_summary(concern),
        categories=concern.categories,
        occurred_at=concern.occurred_at,
        immediate_danger=concern.immediate_danger,
        injury=bool(concern.injury_locations),
    )
    audit_record(actor=by, action=Action.AMEND, child=concern.child, obj=concern, reason=reason, detail=diff)
    signals_evaluate(child=concern.child)
    return amendment


@transaction.atomic
def concern_record_for_new_child(*, child_data: NewChild, data: ConcernInput, by: User) -> Concern:
    """Add a child to the index and record the concern about them, both or neither.

    Used when a practitioner has checked that the child is not already in the index (the
    view shows likely matches first). Every problem with either part is reported at once.
    """
    if by.agency_id is None:
        raise ValidationError("Only practitioners who belong to an agency can record concerns")
    concern_errors: dict[str, list[str]] = {}
    try:
        concern_validate(data)
    except ValidationError as exc:
        concern_errors = exc.message_dict
    try:
        child = child_create(data=child_data, by=by)
    except ValidationError as exc:
        raise ValidationError({**exc.message_dict, **concern_errors}) from exc
    if concern_errors:
        raise ValidationError(concern_errors)  # rolls back the child just created
    return concern_record(child=child, data=data, by=by)


@transaction.atomic
def agency_event_record(
    *,
    child: Child,
    agency: Agency,
    kind: str,
    occurred_at: datetime,
    summary: str,
    by: User | None = None,
    injury: bool = False,
    categories: list[str] | None = None,
    source_reference: str = "",
    evaluate: bool = True,
) -> AgencyEvent:
    event = AgencyEvent.objects.create(
        child=child,
        agency=agency,
        author=by,
        kind=kind,
        occurred_at=occurred_at,
        summary=summary,
        injury=injury,
        categories=categories or [],
        source_reference=source_reference,
    )
    involvement_ensure(child=child, agency=agency, basis=InvolvementBasis.RECORDED)
    chronology_record(
        child=child,
        kind_key=kind,
        source=event,
        agency=agency,
        author=by,
        occurred_at=occurred_at,
        recorded_at=event.recorded_at,
        summary=summary,
        categories=event.categories,
        injury=injury,
        author_label="" if by else f"{agency} system",
    )
    audit_record(actor=by or f"feed:{agency.pk}", action=Action.CREATE, child=child, obj=event, detail={"kind": kind})
    if evaluate:
        signals_evaluate(child=child)
    return event
