"""Signal rules: each fires at its threshold and not one step short of it, thresholds come
from SignalRule rows when they exist, and evaluation is idempotent and bounded."""

import datetime as dt
from io import StringIO
from itertools import combinations
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.template.loader import render_to_string
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safeguarding.access.models import AgencyKind
from safeguarding.access.permissions import Basis, entries_visible_to
from safeguarding.audit.models import AuditEvent
from safeguarding.concerns.models import AgencyEventKind, ChildSignal, ChronologyEntry, SignalRule
from safeguarding.concerns.services import ConcernInput, agency_event_record, concern_amend, concern_record
from safeguarding.concerns.signal_rules import (
    NOT_A_DECISION,
    child_signals,
    compulsory_school_age_ends,
    compulsory_school_age_starts,
    episodes,
    format_date_range,
    is_of_compulsory_school_age,
    rule_params_validate,
    signals_evaluate,
    signals_evaluate_household,
)
from safeguarding.people.models import Relationship, SchoolEnrolment, StatusPeriod
from tests.factories import AgencyFactory, ChildFactory, UserFactory, aware

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2026, 3, 25, 12, 0, tzinfo=LONDON)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def dsl(entitled):
    return entitled


@pytest.fixture
def gp_user(other_agency):
    return other_agency


@pytest.fixture
def police_user(db):
    return UserFactory(username="pc", agency=AgencyFactory(name="Northshire Police", kind=AgencyKind.POLICE))


@pytest.fixture
def hospital(db):
    return AgencyFactory(name="St Mary's Hospital", kind=AgencyKind.HOSPITAL)


def record_concern(child, by, when, *, injury=False):
    return concern_record(
        child=child,
        by=by,
        data=ConcernInput(
            occurred_at=when,
            what_happened="Came to school with a bruise on the arm and was hungry",
            action_taken="Spoke to the child and the DSL",
            categories=["neglect"],
            injury_locations=["left_arm"] if injury else [],
        ),
    )


def record_event(child, agency, kind, when, *, injury=False):
    return agency_event_record(child=child, agency=agency, kind=kind, occurred_at=when, summary="Seen", injury=injury)


def active(child, rule=None):
    qs = ChildSignal.objects.filter(child=child, cleared_at__isnull=True)
    if rule:
        qs = qs.filter(rule=rule)
    return list(qs.order_by("id"))


def entry_ids(signal):
    return sorted(signal.entries.values_list("id", flat=True))


# --- Concerns from several agencies ------------------------------------------------------


def test_three_concerns_from_two_agencies_within_28_days_raise_a_signal_with_its_reason(child, dsl, gp_user):
    record_concern(child, dsl, aware(2026, 3, 2, 9))
    record_concern(child, gp_user, aware(2026, 3, 10, 11))
    assert active(child, "multi_agency_concerns") == []
    record_concern(child, dsl, aware(2026, 3, 20, 15))

    [signal] = active(child, "multi_agency_concerns")
    assert signal.reason == (
        "3 concerns from 2 agencies (Riverside Primary School, Castle Street Surgery) between 2 and 20 March 2026"
    )
    concern_entries = ChronologyEntry.objects.filter(child=child, kind="concern").values_list("id", flat=True)
    assert entry_ids(signal) == sorted(concern_entries)


def test_concerns_from_one_agency_only_are_not_a_multi_agency_pattern(child, dsl):
    for day in (2, 3, 4, 5):
        record_concern(child, dsl, aware(2026, 3, day, 9))
    assert active(child, "multi_agency_concerns") == []


def test_the_window_is_28_days_inclusive_and_not_29(child, dsl, gp_user):
    other = ChildFactory(display_name="Ben Smith")
    # 1 February to 1 March 2026 is 28 days.
    for c, last_day in ((child, dt.date(2026, 3, 1)), (other, dt.date(2026, 3, 2))):
        record_concern(c, dsl, aware(2026, 2, 1, 10))
        record_concern(c, gp_user, aware(2026, 2, 10, 10))
        record_concern(c, dsl, aware(last_day.year, last_day.month, last_day.day, 10))
    assert len(active(child, "multi_agency_concerns")) == 1
    assert active(other, "multi_agency_concerns") == []


def test_thresholds_come_from_the_signal_rule_row(child, dsl, gp_user):
    SignalRule.objects.create(key="multi_agency_concerns", params={"min_concerns": 2, "days": 7})
    record_concern(child, dsl, aware(2026, 3, 2, 9))
    record_concern(child, gp_user, aware(2026, 3, 9, 9))
    [signal] = active(child, "multi_agency_concerns")
    assert signal.reason.startswith("2 concerns from 2 agencies")

    other = ChildFactory(display_name="Ben Smith")
    record_concern(other, dsl, aware(2026, 3, 2, 9))
    record_concern(other, gp_user, aware(2026, 3, 10, 9))  # 8 days apart
    assert active(other, "multi_agency_concerns") == []


def test_a_switched_off_rule_raises_nothing_and_clears_what_it_raised(child, dsl, gp_user):
    for by, day in ((dsl, 2), (gp_user, 3), (dsl, 4)):
        record_concern(child, by, aware(2026, 3, day, 9))
    assert len(active(child, "multi_agency_concerns")) == 1

    SignalRule.objects.create(key="multi_agency_concerns", enabled=False)
    assert child_signals(child).filter(rule="multi_agency_concerns").count() == 0  # hidden at once
    signals_evaluate(child=child)
    assert active(child, "multi_agency_concerns") == []
    assert ChildSignal.objects.get(child=child, rule="multi_agency_concerns").cleared_at == NOW


def test_invalid_thresholds_in_the_table_fall_back_to_the_defaults(child, dsl, gp_user):
    SignalRule.objects.create(key="multi_agency_concerns", params={"min_concerns": "two"})
    for by, day in ((dsl, 2), (gp_user, 3)):
        record_concern(child, by, aware(2026, 3, day, 9))
    assert active(child, "multi_agency_concerns") == []  # default 3, not a crash


def test_evaluating_twice_keeps_one_signal(child, dsl, gp_user):
    for by, day in ((dsl, 2), (gp_user, 3), (dsl, 4)):
        record_concern(child, by, aware(2026, 3, day, 9))
    audits = AuditEvent.objects.count()

    result = signals_evaluate(child=child)
    result = signals_evaluate(child=child)

    assert result.raised == [] and result.cleared == []
    assert [s.rule for s in result.kept] == ["multi_agency_concerns", "missing_education"]
    assert len(active(child, "multi_agency_concerns")) == 1
    assert AuditEvent.objects.count() == audits  # nothing changed, nothing written


def test_a_growing_pattern_is_reworded_and_the_old_wording_cleared(child, dsl, gp_user, police_user):
    for by, day in ((dsl, 2), (gp_user, 3), (dsl, 4)):
        record_concern(child, by, aware(2026, 3, day, 9))
    [first] = active(child, "multi_agency_concerns")

    record_concern(child, police_user, aware(2026, 3, 6, 22))

    first.refresh_from_db()
    assert first.cleared_at == NOW
    [now] = active(child, "multi_agency_concerns")
    assert now.reason == (
        "4 concerns from 3 agencies (Riverside Primary School, Castle Street Surgery, Northshire Police) "
        "between 2 and 6 March 2026"
    )
    assert len(entry_ids(now)) == 4


def test_an_amendment_that_moves_a_concern_out_of_the_window_clears_the_signal(child, dsl, gp_user):
    record_concern(child, dsl, aware(2026, 3, 2, 9))
    record_concern(child, gp_user, aware(2026, 3, 3, 9))
    late = record_concern(child, dsl, aware(2026, 3, 4, 9))
    assert len(active(child, "multi_agency_concerns")) == 1

    concern_amend(concern=late, changes={"occurred_at": aware(2025, 3, 4, 9)}, reason="Wrong year typed", by=dsl)

    assert active(child, "multi_agency_concerns") == []
    event = AuditEvent.objects.filter(child=child, actor_label="signals").latest("id")
    assert event.detail["cleared"][0]["rule"] == "multi_agency_concerns"


def test_events_from_other_agencies_are_not_concerns(child, dsl, gp_user, hospital):
    record_concern(child, dsl, aware(2026, 3, 2, 9))
    record_concern(child, gp_user, aware(2026, 3, 3, 9))
    record_event(child, hospital, AgencyEventKind.AE_ATTENDANCE, aware(2026, 3, 4, 9))
    assert active(child, "multi_agency_concerns") == []


# --- Windows: checked against a brute-force reference ----------------------------------


def _entry(pk, day, agency):
    return ChronologyEntry(
        pk=pk, kind="concern", agency_id=agency, occurred_at=aware(2026, 1, 1, 12) + dt.timedelta(days=day)
    )


def _reference(entries, min_count, min_agencies, days, including=None):
    """Is there any set of entries meeting the rule? Every subset, no cleverness."""
    for size in range(max(min_count, 1), len(entries) + 1):
        for subset in combinations(entries, size):
            if including is not None and including not in subset:
                continue
            dates = [e.occurred_at.date() for e in subset]
            if (max(dates) - min(dates)).days <= days and len({e.agency_id for e in subset}) >= min_agencies:
                return True
    return False


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    points=st.lists(st.tuples(st.integers(0, 120), st.integers(1, 3)), max_size=8),
    min_count=st.integers(1, 4),
    min_agencies=st.integers(1, 3),
    days=st.integers(0, 40),
)
def test_episodes_are_found_exactly_when_a_qualifying_set_exists(points, min_count, min_agencies, days):
    entries = [_entry(i + 1, day, agency) for i, (day, agency) in enumerate(points)]
    found = episodes(entries, min_count=min_count, min_agencies=min_agencies, days=days)
    assert bool(found) == _reference(entries, min_count, min_agencies, days)
    linked = [e for group in found for e in group]
    assert len(linked) == len({e.pk for e in linked})  # no entry in two episodes
    for e in linked:  # every linked entry is part of some qualifying set
        assert _reference(entries, min_count, min_agencies, days, including=e)


def test_date_ranges_read_as_people_write_them():
    assert format_date_range(dt.date(2026, 3, 2), dt.date(2026, 3, 20)) == "between 2 and 20 March 2026"
    assert format_date_range(dt.date(2026, 3, 2), dt.date(2026, 4, 5)) == "between 2 March and 5 April 2026"
    assert (
        format_date_range(dt.date(2025, 12, 28), dt.date(2026, 1, 3)) == "between 28 December 2025 and 3 January 2026"
    )
    assert format_date_range(dt.date(2026, 3, 2), dt.date(2026, 3, 2)) == "on 2 March 2026"


# --- Injury to a baby who is not yet mobile ---------------------------------------------


@pytest.fixture
def baby(db, gp):
    return ChildFactory(display_name="Ava Brown", date_of_birth=dt.date(2025, 12, 10))


def test_an_injury_to_a_baby_under_6_months_raises_a_signal(baby, gp_user):
    record_concern(baby, gp_user, aware(2026, 3, 12, 10), injury=True)
    [signal] = active(baby, "injury_non_mobile_baby")
    assert signal.reason == (
        "Injury recorded for a baby aged 3 months on 12 March 2026 (Castle Street Surgery), who is not yet "
        "independently mobile (bruising or injury in non-mobile babies needs a medical explanation)"
    )
    assert len(entry_ids(signal)) == 1


def test_two_injuries_the_same_day_are_one_signal_with_both_entries(baby, gp_user):
    record_concern(baby, gp_user, aware(2026, 3, 12, 10), injury=True)
    [signal] = active(baby, "injury_non_mobile_baby")
    record_concern(baby, gp_user, aware(2026, 3, 12, 16), injury=True)
    assert active(baby, "injury_non_mobile_baby") == [signal]  # same wording: kept, not raised again
    assert len(entry_ids(signal)) == 2
    event = AuditEvent.objects.filter(child=baby, actor_label="signals").latest("id")
    assert event.detail["entries_changed"] == [signal.pk]


def test_a_concern_without_an_injury_raises_no_injury_signal(baby, gp_user):
    record_concern(baby, gp_user, aware(2026, 3, 12, 10))
    assert active(baby, "injury_non_mobile_baby") == []


def test_an_ae_attendance_with_injury_counts_too(baby, hospital):
    record_event(baby, hospital, AgencyEventKind.AE_ATTENDANCE, aware(2026, 1, 3, 2), injury=True)
    [signal] = active(baby, "injury_non_mobile_baby")
    assert "aged 3 weeks" in signal.reason


def test_the_age_limit_is_the_day_before_6_months(db, gp_user):
    with time_machine.travel(dt.datetime(2026, 7, 10, 12, tzinfo=LONDON), tick=False):
        younger = ChildFactory(display_name="Ava Brown", date_of_birth=dt.date(2026, 1, 1))
        older = ChildFactory(display_name="Noah Green", date_of_birth=dt.date(2026, 1, 1))
        record_concern(younger, gp_user, aware(2026, 6, 30, 10), injury=True)
        record_concern(older, gp_user, aware(2026, 7, 1, 10), injury=True)
        assert "aged 5 months" in active(younger, "injury_non_mobile_baby")[0].reason
        assert active(older, "injury_non_mobile_baby") == []

        SignalRule.objects.create(key="injury_non_mobile_baby", params={"under_months": 12})
        signals_evaluate(child=older)
        assert "aged 6 months" in active(older, "injury_non_mobile_baby")[0].reason


# --- Repeated A&E attendances, repeated missing episodes -----------------------------


def test_three_ae_attendances_within_a_year_raise_a_signal(child, hospital):
    other_hospital = AgencyFactory(name="Northshire General Hospital", kind=AgencyKind.HOSPITAL)
    record_event(child, hospital, AgencyEventKind.AE_ATTENDANCE, aware(2025, 4, 1, 3))
    record_event(child, other_hospital, AgencyEventKind.AE_ATTENDANCE, aware(2025, 9, 1, 3))
    assert active(child, "repeated_ae") == []
    record_event(child, hospital, AgencyEventKind.AE_ATTENDANCE, aware(2026, 1, 1, 3))
    [signal] = active(child, "repeated_ae")
    assert signal.reason == (
        "3 A&E attendances between 1 April 2025 and 1 January 2026 (St Mary's Hospital, Northshire General Hospital)"
    )


def test_ae_attendances_366_days_apart_are_not_within_a_year(child, hospital):
    record_event(child, hospital, AgencyEventKind.AE_ATTENDANCE, aware(2025, 3, 1, 3))
    record_event(child, hospital, AgencyEventKind.AE_ATTENDANCE, aware(2025, 9, 1, 3))
    record_event(child, hospital, AgencyEventKind.AE_ATTENDANCE, aware(2026, 3, 2, 3))  # 366 days after the first
    assert active(child, "repeated_ae") == []
    record_event(child, hospital, AgencyEventKind.AE_ATTENDANCE, aware(2026, 3, 1, 3))  # 365 days
    assert len(active(child, "repeated_ae")) == 1


def test_repeated_missing_episodes(child):
    police = AgencyFactory(name="Northshire Police", kind=AgencyKind.POLICE)
    for month, day in ((1, 5), (2, 1)):
        record_event(child, police, AgencyEventKind.MISSING_EPISODE, aware(2026, month, day, 23))
    assert active(child, "repeated_missing") == []
    record_event(child, police, AgencyEventKind.MISSING_EPISODE, aware(2026, 3, 20, 23))
    [signal] = active(child, "repeated_missing")
    assert signal.reason == "3 missing episodes between 5 January and 20 March 2026 (Northshire Police)"


# --- A child protection plan in the family or household -------------------------------


@pytest.fixture
def sibling(db):
    s = ChildFactory(display_name="Jack Jones", date_of_birth=dt.date(2012, 4, 4))
    StatusPeriod.objects.create(child=s, status="cp_plan", started_on=dt.date(2026, 1, 3), category="NEG")
    return s


@pytest.mark.parametrize("recorded_from", ["child", "sibling"])
def test_a_concern_about_a_child_whose_sibling_has_a_plan_raises_a_signal(child, sibling, dsl, recorded_from):
    if recorded_from == "child":
        Relationship.objects.create(child=child, related_child=sibling, relationship="sibling", lives_with_child=False)
    else:
        Relationship.objects.create(child=sibling, related_child=child, relationship="sibling", lives_with_child=False)
    record_concern(child, dsl, aware(2026, 3, 2, 9))
    [signal] = active(child, "household_cp_plan")
    assert signal.reason == (
        "A sibling has had a child protection plan since 3 January 2026. "
        "1 concern about this child was recorded in the last 365 days."
    )
    assert "Jack" not in signal.reason  # whoever sees this child may not see the sibling


@pytest.mark.parametrize(("lives_with", "fires"), [(True, True), (False, False)])
def test_a_child_in_the_same_household_counts_only_if_they_live_together(child, sibling, dsl, lives_with, fires):
    Relationship.objects.create(
        child=sibling, related_child=child, relationship="other_relative", lives_with_child=lives_with
    )
    record_concern(child, dsl, aware(2026, 3, 2, 9))
    signals = active(child, "household_cp_plan")
    assert bool(signals) is fires
    if fires:
        assert signals[0].reason.startswith("A child in the same household has had a child protection plan")


def test_no_signal_without_a_recent_concern_or_an_active_plan(child, sibling, dsl, hospital):
    Relationship.objects.create(child=child, related_child=sibling, relationship="sibling")
    record_concern(child, dsl, aware(2025, 3, 24, 9))  # 366 days ago
    record_event(child, hospital, AgencyEventKind.AE_ATTENDANCE, aware(2026, 3, 1, 9))  # not a concern
    assert active(child, "household_cp_plan") == []

    third = ChildFactory(display_name="Mia Jones")
    Relationship.objects.create(child=third, related_child=sibling, relationship="sibling")
    StatusPeriod.objects.filter(child=sibling).update(ended_on=dt.date(2026, 3, 1))
    record_concern(third, dsl, aware(2026, 3, 20, 9))
    assert active(third, "household_cp_plan") == []


def test_a_plan_ending_clears_the_relatives_signals_when_the_household_is_evaluated(child, sibling, dsl):
    Relationship.objects.create(child=sibling, related_child=child, relationship="half_sibling")
    record_concern(child, dsl, aware(2026, 3, 2, 9))
    assert active(child, "household_cp_plan")[0].reason.startswith("A half-sibling has had")

    StatusPeriod.objects.filter(child=sibling).update(ended_on=dt.date(2026, 3, 24))
    results = signals_evaluate_household(child=sibling)

    assert set(results) == {sibling.pk, child.pk}
    assert active(child, "household_cp_plan") == []


def test_an_unborn_siblings_plan_counts(child, dsl):
    unborn = ChildFactory(display_name="Baby Jones", date_of_birth=None, expected_date_of_birth=dt.date(2026, 6, 1))
    StatusPeriod.objects.create(child=unborn, status="unborn_plan", started_on=dt.date(2026, 2, 1))
    Relationship.objects.create(child=child, related_child=unborn, relationship="sibling")
    record_concern(child, dsl, aware(2026, 3, 2, 9))
    assert (
        "pre-birth (unborn child) protection plan since 1 February 2026" in active(child, "household_cp_plan")[0].reason
    )


# --- Missing education -----------------------------------------------------------------


def test_compulsory_school_age_follows_the_prescribed_days_and_the_leaving_date():
    assert compulsory_school_age_starts(dt.date(2019, 2, 10)) == dt.date(2024, 3, 31)
    assert compulsory_school_age_starts(dt.date(2019, 8, 31)) == dt.date(2024, 8, 31)
    assert compulsory_school_age_starts(dt.date(2019, 9, 1)) == dt.date(2024, 12, 31)
    # IPSEA's example: born 23 September 2007, compulsory school age ends 28 June 2024.
    assert compulsory_school_age_ends(dt.date(2007, 9, 23)) == dt.date(2024, 6, 28)
    assert compulsory_school_age_ends(dt.date(2008, 8, 31)) == dt.date(2024, 6, 28)
    assert is_of_compulsory_school_age(dt.date(2007, 9, 23), dt.date(2024, 6, 28))
    assert not is_of_compulsory_school_age(dt.date(2007, 9, 23), dt.date(2024, 6, 29))
    assert not is_of_compulsory_school_age(dt.date(2019, 2, 10), dt.date(2024, 3, 30))
    assert not is_of_compulsory_school_age(None, dt.date(2024, 3, 30))


def test_a_child_of_school_age_with_no_current_school_raises_a_signal(child, school):
    [signal] = signals_evaluate(child=child).raised
    assert signal.rule == "missing_education"
    assert signal.reason.startswith("No current school is recorded for this child, who is of compulsory school age")
    assert entry_ids(signal) == []

    SchoolEnrolment.objects.create(child=child, school=school, started_on=dt.date(2022, 9, 1))
    result = signals_evaluate(child=child)
    assert [s.rule for s in result.cleared] == ["missing_education"]


def test_children_under_school_age_raise_no_enrolment_signal(db):
    toddler = ChildFactory(display_name="Leo King", date_of_birth=dt.date(2022, 5, 1))
    assert signals_evaluate(child=toddler).raised == []


def test_the_enrolment_check_can_be_switched_off(child):
    SignalRule.objects.create(key="missing_education", params={"check_enrolment": False})
    assert signals_evaluate(child=child).raised == []


def test_a_missing_education_record_in_the_last_year_raises_a_signal(child, school):
    SchoolEnrolment.objects.create(child=child, school=school, started_on=dt.date(2022, 9, 1))
    council = AgencyFactory(name="Northshire Education Welfare", kind=AgencyKind.LA_EARLY_HELP)
    record_event(child, council, AgencyEventKind.MISSING_EDUCATION, aware(2025, 3, 24, 9))  # 366 days ago
    assert active(child, "missing_education") == []
    record_event(child, council, AgencyEventKind.MISSING_EDUCATION, aware(2025, 3, 25, 9))  # 365 days ago
    [signal] = active(child, "missing_education")
    assert signal.reason == "Recorded as missing education on 25 March 2025 (Northshire Education Welfare)"


# --- Settings, queries, reads -----------------------------------------------------------


def test_thresholds_are_checked_in_plain_words():
    assert rule_params_validate("repeated_ae", {"min_count": 4}) == {"min_count": 4}
    with pytest.raises(ValidationError) as e:
        rule_params_validate("repeated_ae", {"min_count": 1, "weeks": 2, "days": "x"})
    messages = e.value.message_dict["params"]
    assert "'min_count' must be 2 or more" in messages
    assert any("'weeks' is not a threshold of this rule" in m for m in messages)
    assert "'days' must be a whole number" in messages
    with pytest.raises(ValidationError):
        rule_params_validate("missing_education", {"check_enrolment": 1})
    with pytest.raises(ValidationError):
        rule_params_validate("no_such_rule", {})


def test_evaluation_takes_a_bounded_number_of_queries(
    child, dsl, gp_user, hospital, sibling, django_assert_max_num_queries
):
    Relationship.objects.create(child=child, related_child=sibling, relationship="sibling")
    for i in range(12):
        record_concern(child, dsl if i % 2 else gp_user, aware(2026, 1, 1, 9) + dt.timedelta(days=i * 5), injury=True)
        record_event(child, hospital, AgencyEventKind.AE_ATTENDANCE, aware(2025, 6, 1 + i, 9))
    with django_assert_max_num_queries(10):  # nothing changes: reads only (and a savepoint)
        signals_evaluate(child=child)
    ChildSignal.objects.filter(child=child).delete()
    with django_assert_max_num_queries(10 + 4 + 1 + 4):  # a row per signal raised, links in one, one audit
        result = signals_evaluate(child=child)
    assert {s.rule for s in result.raised} == {
        "multi_agency_concerns",
        "repeated_ae",
        "household_cp_plan",
        "missing_education",
    }


def test_child_signals_link_only_to_entries_the_reader_may_see(child, dsl, gp_user):
    for by, day in ((dsl, 2), (gp_user, 3), (dsl, 4)):
        record_concern(child, by, aware(2026, 3, day, 9))
    visible = entries_visible_to(dsl, child, Basis.AGENCY)

    [signal] = [s for s in child_signals(child, visible_entries=visible) if s.rule == "multi_agency_concerns"]

    assert signal.rule_title == "Concerns from several agencies"
    assert signal.entry_count == 3
    assert signal.visible_count == 2
    assert [e.agency.name for e in signal.recent_entries] == ["Riverside Primary School"] * 2
    html = render_to_string("concerns/_signals_panel.html", {"signals": [signal], "child": child})
    assert NOT_A_DECISION in html
    assert "Concerns from several agencies" in html
    for entry in signal.recent_entries:
        assert f'href="#entry-{entry.id}"' in html
    assert "recorded by agencies that have not shared them with you" in html


def test_the_panel_lists_only_the_most_recent_entries_of_a_long_pattern(child, dsl, gp_user):
    """A long history points at the chronology rather than listing every entry."""
    from safeguarding.concerns.signal_rules import SIGNAL_ENTRIES_SHOWN

    for day in range(1, 9):
        record_concern(child, dsl if day % 2 else gp_user, aware(2026, 3, day, 9))
    [signal] = [s for s in child_signals(child) if s.rule == "multi_agency_concerns"]
    assert signal.entry_count == signal.visible_count == 8
    assert len(signal.recent_entries) == SIGNAL_ENTRIES_SHOWN
    days = [e.occurred_at.day for e in signal.recent_entries]
    assert days == sorted(days, reverse=True) and days[0] == 8
    html = render_to_string("concerns/_signals_panel.html", {"signals": [signal], "child": child})
    assert f"The {SIGNAL_ENTRIES_SHOWN} most recent of 8 entries" in html
    assert "have not shared them with you" not in html


def test_the_panel_shows_nothing_when_there_are_no_signals(child):
    assert render_to_string("concerns/_signals_panel.html", {"signals": [], "child": child}).strip() == ""


def test_the_daily_command_re_evaluates_every_child(child, dsl):
    other = ChildFactory(display_name="Ben Smith")
    out = StringIO()
    call_command("signals_evaluate", stdout=out)
    assert out.getvalue().strip() == "2 children: 2 raised, 0 cleared"  # both of school age, no school
    call_command("signals_evaluate", "--child", str(other.pk), stdout=out)
    assert "1 child: 0 raised, 0 cleared" in out.getvalue()
