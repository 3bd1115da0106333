"""The multi-agency chronology: a registry of entry kinds and the one writer.

A new kind of entry (a referral, a conference, an A&E attendance) is one call to
`register_kind` in its app's `AppConfig.ready()`, and its service calls
`chronology_record` in the same transaction as its own write. Nothing else changes:
the chronology page, filters, PDF, access rules and signals all read ChronologyEntry.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from safeguarding.concerns.models import ChronologyCategory, ChronologyEntry


@dataclass(frozen=True)
class EntryKind:
    key: str
    label: str
    # Name of a URL taking (child_id, source_id) that shows the full record, if any.
    detail_url_name: str | None = None


_KINDS: dict[str, EntryKind] = {}


def register_kind(kind: EntryKind) -> None:
    existing = _KINDS.get(kind.key)
    if existing is not None and existing != kind:
        raise ValueError(f"Chronology kind {kind.key!r} is registered twice with different settings")
    _KINDS[kind.key] = kind


def kinds() -> list[EntryKind]:
    return sorted(_KINDS.values(), key=lambda k: k.label)


def kind(key: str) -> EntryKind:
    try:
        return _KINDS[key]
    except KeyError:
        raise LookupError(f"Unregistered chronology kind {key!r}") from None


def _require_aware(**moments: datetime | None) -> None:
    for name, moment in moments.items():
        if moment is not None and timezone.is_naive(moment):
            raise ValueError(f"{name} must be timezone-aware")


def _author_label(author: Any) -> str:
    # A practitioner account without a full name still says who wrote the entry.
    if author is None:
        return ""
    return author.get_full_name() or author.get_username()


@transaction.atomic
def chronology_record(
    *,
    child: Any,
    kind_key: str,
    source: models.Model,
    agency: Any,
    author: Any,
    occurred_at: datetime,
    summary: str,
    categories: Iterable[str] = (),
    recorded_at: datetime | None = None,
    immediate_danger: bool = False,
    injury: bool = False,
    author_label: str = "",
) -> ChronologyEntry:
    kind(kind_key)  # refuse unregistered kinds
    _require_aware(occurred_at=occurred_at, recorded_at=recorded_at)
    cats = sorted(set(categories))
    entry = ChronologyEntry.objects.create(
        child=child,
        kind=kind_key,
        agency=agency,
        author=author,
        author_label=author_label or _author_label(author),
        occurred_at=occurred_at,
        recorded_at=recorded_at or timezone.now(),
        summary=summary,
        categories=cats,
        immediate_danger=immediate_danger,
        injury=injury,
        source_type=source._meta.label_lower,
        source_id=source.pk,
    )
    ChronologyCategory.objects.bulk_create([ChronologyCategory(entry=entry, code=c) for c in cats])
    return entry


@transaction.atomic
def chronology_refresh(
    *,
    source: models.Model,
    summary: str,
    categories: Iterable[str],
    occurred_at: datetime,
    immediate_danger: bool = False,
    injury: bool = False,
) -> ChronologyEntry:
    """Re-project an amended source record. The source keeps both versions; the read model
    shows the current one, marked as amended."""
    _require_aware(occurred_at=occurred_at)
    entry = ChronologyEntry.objects.select_for_update().get(source_type=source._meta.label_lower, source_id=source.pk)
    cats = sorted(set(categories))
    entry.summary = summary
    entry.categories = cats
    entry.occurred_at = occurred_at
    entry.immediate_danger = immediate_danger
    entry.injury = injury
    entry.amended = True
    entry.save(update_fields=["summary", "categories", "occurred_at", "immediate_danger", "injury", "amended"])
    ChronologyCategory.objects.filter(entry=entry).delete()
    ChronologyCategory.objects.bulk_create([ChronologyCategory(entry=entry, code=c) for c in cats])
    return entry
