"""Helpers for the access tests: chronology entries from different agencies."""

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone

from safeguarding.access.models import Agency, User
from safeguarding.concerns.chronology import chronology_record
from safeguarding.concerns.models import AgencyEvent, AgencyEventKind, ChronologyEntry
from safeguarding.people.models import Child

EntryMaker = Callable[..., ChronologyEntry]


@pytest.fixture
def make_entry(db) -> EntryMaker:  # type: ignore[no-untyped-def]
    """An agency event and its chronology entry, recorded as the feeds record them."""

    def make(child: Child, agency: Agency, author: User | None = None, summary: str = "Seen") -> ChronologyEntry:
        occurred = timezone.now() - dt.timedelta(days=1)
        event = AgencyEvent.objects.create(
            child=child,
            agency=agency,
            author=author,
            kind=AgencyEventKind.GP_APPOINTMENT,
            occurred_at=occurred,
            summary=summary,
        )
        return chronology_record(
            child=child,
            kind_key=event.kind,
            source=event,
            agency=agency,
            author=author,
            occurred_at=occurred,
            summary=summary,
        )

    return make


@pytest.fixture
def fast_hasher(settings):  # type: ignore[no-untyped-def]
    """Argon2 is right for production and slow under test; these tests never sign in."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
