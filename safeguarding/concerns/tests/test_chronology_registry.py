"""The chronology registry and its one writer (concerns/chronology.py)."""

import datetime as dt

import pytest
from django.utils import timezone

from safeguarding.concerns import chronology
from safeguarding.concerns.chronology import (
    EntryKind,
    chronology_record,
    chronology_refresh,
    kind,
    kinds,
    register_kind,
)
from safeguarding.concerns.models import AgencyEvent, AgencyEventKind, ChronologyCategory, ChronologyEntry
from tests.factories import aware

pytestmark = pytest.mark.django_db

OCCURRED = aware(2025, 3, 10, 14, 30)


@pytest.fixture(autouse=True)
def fast_hasher(settings):  # type: ignore[no-untyped-def]
    """Argon2 is right for production and slow under test; these tests never sign in."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def registry(monkeypatch):  # type: ignore[no-untyped-def]
    """A private copy of the registry, so that test kinds do not leak into other tests."""
    monkeypatch.setattr(chronology, "_KINDS", dict(chronology._KINDS))
    return chronology._KINDS


@pytest.fixture
def event(child, gp, other_agency):  # type: ignore[no-untyped-def]
    return AgencyEvent.objects.create(
        child=child,
        agency=gp,
        author=other_agency,
        kind=AgencyEventKind.GP_APPOINTMENT,
        occurred_at=OCCURRED,
        summary="Missed appointment",
    )


def record(event, **overrides):  # type: ignore[no-untyped-def]
    values = {
        "child": event.child,
        "kind_key": "gp_appointment",
        "source": event,
        "agency": event.agency,
        "author": event.author,
        "occurred_at": OCCURRED,
        "summary": "Missed appointment",
    }
    values.update(overrides)
    return chronology_record(**values)


# ---------------------------------------------------------------- registry


def test_apps_register_their_kinds_at_start_up() -> None:
    assert kind("concern").label == "Concern"
    for key, _label in AgencyEventKind.choices:
        assert kind(key).detail_url_name == "concerns:event-detail"
    labels = [k.label for k in kinds()]
    assert labels == sorted(labels)


def test_registering_the_same_kind_again_is_harmless(registry) -> None:  # type: ignore[no-untyped-def]
    register_kind(EntryKind("test_meeting", "Test meeting", detail_url_name=None))
    register_kind(EntryKind("test_meeting", "Test meeting", detail_url_name=None))
    assert kind("test_meeting") == EntryKind("test_meeting", "Test meeting")


@pytest.mark.parametrize(
    "second",
    [EntryKind("test_meeting", "Another label"), EntryKind("test_meeting", "Test meeting", detail_url_name="x:y")],
)
def test_registering_a_kind_twice_with_different_settings_raises(registry, second) -> None:  # type: ignore[no-untyped-def]
    register_kind(EntryKind("test_meeting", "Test meeting"))
    with pytest.raises(ValueError, match="registered twice"):
        register_kind(second)
    assert kind("test_meeting").label == "Test meeting"


def test_registering_in_a_test_does_not_leak(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with monkeypatch.context() as patch:
        patch.setattr(chronology, "_KINDS", dict(chronology._KINDS))
        register_kind(EntryKind("test_only_kind", "Only here"))
        assert kind("test_only_kind").label == "Only here"
    with pytest.raises(LookupError):
        kind("test_only_kind")


def test_unknown_kind_lookup_raises() -> None:
    with pytest.raises(LookupError, match="Unregistered chronology kind 'nope'"):
        kind("nope")


# ---------------------------------------------------------------- chronology_record


def test_record_writes_the_entry_and_category_rows(event) -> None:  # type: ignore[no-untyped-def]
    entry = record(event, categories=["neglect", "missing", "neglect"], injury=True)
    entry.refresh_from_db()
    assert entry.child == event.child
    assert entry.kind == "gp_appointment"
    assert entry.agency == event.agency
    assert entry.author == event.author
    assert entry.author_label == event.author.get_full_name()
    assert entry.occurred_at == OCCURRED
    assert entry.categories == ["missing", "neglect"]
    assert entry.injury and not entry.immediate_danger and not entry.amended
    assert (entry.source_type, entry.source_id) == ("concerns.agencyevent", event.pk)
    assert sorted(ChronologyCategory.objects.filter(entry=entry).values_list("code", flat=True)) == [
        "missing",
        "neglect",
    ]


def test_record_without_categories_writes_no_category_rows(event) -> None:  # type: ignore[no-untyped-def]
    entry = record(event)
    assert entry.categories == []
    assert not ChronologyCategory.objects.exists()


def test_recorded_at_defaults_to_now_and_may_be_given(event) -> None:  # type: ignore[no-untyped-def]
    before = timezone.now()
    entry = record(event)
    assert before <= entry.recorded_at <= timezone.now()
    given = aware(2025, 3, 11, 9)
    assert record(event, recorded_at=given).recorded_at == given


def test_author_label_without_a_full_name_is_the_username(event, gp) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import UserFactory

    nameless = UserFactory(username="nurse7", first_name="", last_name="", agency=gp)
    assert record(event, author=nameless).author_label == "nurse7"
    assert record(event, author=None).author_label == ""
    assert record(event, author=None, author_label="GP system").author_label == "GP system"


def test_unregistered_kind_is_refused(event) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(LookupError):
        record(event, kind_key="not_a_kind")
    assert not ChronologyEntry.objects.exists()


def test_naive_occurred_at_is_refused(event) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="occurred_at must be timezone-aware"):
        record(event, occurred_at=dt.datetime(2025, 3, 10, 14, 30))
    assert not ChronologyEntry.objects.exists()


def test_naive_recorded_at_is_refused(event) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="recorded_at must be timezone-aware"):
        record(event, recorded_at=dt.datetime(2025, 3, 10, 15))
    assert not ChronologyEntry.objects.exists()


def test_a_newly_registered_kind_can_be_recorded(registry, event) -> None:  # type: ignore[no-untyped-def]
    register_kind(EntryKind("test_meeting", "Test meeting"))
    assert record(event, kind_key="test_meeting").kind == "test_meeting"


# ---------------------------------------------------------------- chronology_refresh


def test_refresh_reprojects_and_marks_amended(event) -> None:  # type: ignore[no-untyped-def]
    entry = record(event, categories=["neglect"], summary="First account")
    later = aware(2025, 3, 10, 16)
    refreshed = chronology_refresh(
        source=event,
        summary="Corrected account",
        categories=["physical_abuse", "domestic_abuse"],
        occurred_at=later,
        immediate_danger=True,
        injury=True,
    )
    assert refreshed.pk == entry.pk
    entry.refresh_from_db()
    assert entry.summary == "Corrected account"
    assert entry.categories == ["domestic_abuse", "physical_abuse"]
    assert entry.occurred_at == later
    assert entry.immediate_danger and entry.injury and entry.amended
    # Who recorded it and when are not rewritten by an amendment.
    assert entry.author == event.author and entry.kind == "gp_appointment"
    assert sorted(ChronologyCategory.objects.values_list("code", flat=True)) == ["domestic_abuse", "physical_abuse"]
    assert ChronologyEntry.objects.count() == 1


def test_refresh_refuses_naive_datetime(event) -> None:  # type: ignore[no-untyped-def]
    record(event)
    with pytest.raises(ValueError, match="timezone-aware"):
        chronology_refresh(source=event, summary="x", categories=[], occurred_at=dt.datetime(2025, 3, 10))
    assert not ChronologyEntry.objects.get().amended


def test_refresh_of_a_source_never_recorded_raises(event) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ChronologyEntry.DoesNotExist):
        chronology_refresh(source=event, summary="x", categories=[], occurred_at=OCCURRED)
