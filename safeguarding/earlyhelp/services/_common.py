"""What every early help service shares: dates, the open-episode lock, chronology and audit."""

from datetime import date, datetime
from typing import Any

from django.db import models
from django.utils import timezone

from safeguarding.access.models import User
from safeguarding.audit.models import Action
from safeguarding.audit.services import audit_record
from safeguarding.concerns.chronology import chronology_record
from safeguarding.core.calendar import day_moment as aware
from safeguarding.core.errors import DomainError
from safeguarding.earlyhelp.models import EarlyHelpClosure, EarlyHelpEpisode

CLOSED = "This early help episode has ended. Start a new episode to work with the family again"


def today() -> date:
    return timezone.localdate()


def locked_open(episode: EarlyHelpEpisode) -> EarlyHelpEpisode:
    """The episode's row, locked, if it is still open: two people acting on one episode queue,
    and a step on an episode that has ended (consent withdrawn, closed, stepped up) is refused."""
    locked = EarlyHelpEpisode.objects.select_for_update(of=("self",)).select_related("child").get(pk=episode.pk)
    if EarlyHelpClosure.objects.filter(episode=locked).exists():
        raise DomainError(CLOSED)
    return locked


def not_future(errors: dict[str, str], field: str, day: date | None, what: str) -> None:
    """`what`: "the review was held" → "Enter the date the review was held"."""
    if day is None:
        errors[field] = f"Enter the date {what}"
    elif day > today():
        errors[field] = f"The date {what} must be today or in the past"


def required_text(errors: dict[str, str], field: str, value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        errors[field] = message
    return value


def chronicle(
    *, episode: EarlyHelpEpisode, kind_key: str, by: User, on: date, summary: str, recorded_at: datetime | None = None
) -> None:
    """One chronology entry whose source is the episode (its page shows the whole of it)."""
    chronology_record(
        child=episode.child,
        kind_key=kind_key,
        source=episode,
        agency=by.agency,
        author=by,
        occurred_at=aware(on),
        recorded_at=recorded_at,
        summary=summary,
    )


def audit_create(*, by: User, episode: EarlyHelpEpisode, obj: models.Model, **detail: Any) -> None:
    audit_record(actor=by, action=Action.CREATE, child=episode.child, obj=obj, detail={"episode": episode.pk, **detail})
