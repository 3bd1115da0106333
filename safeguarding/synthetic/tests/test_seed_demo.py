"""seed_demo: what it writes is what the services would have written, and the stories are there."""

import datetime as dt
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from safeguarding.access.models import ChildInvolvement, InvolvementBasis, User
from safeguarding.access.permissions import Basis, basis_for, children_visible_to
from safeguarding.audit.models import AuditEvent
from safeguarding.concerns.models import AgencyEvent, ChronologyCategory, ChronologyEntry, Concern
from safeguarding.concerns.services import concern_summary
from safeguarding.people.identifiers import nhs_number_valid, upn_valid
from safeguarding.people.matching import name_key, sound_key
from safeguarding.people.models import Child, ChildName, Relationship, SchoolEnrolment, StatusPeriod
from safeguarding.synthetic.families import plan_fingerprint
from safeguarding.synthetic.loader import database_fingerprint
from safeguarding.synthetic.plan import Config
from safeguarding.synthetic.tests.conftest import LOAD_MOMENT


def named(first: str, last: str) -> Child:
    return Child.objects.get(names__kind="legal", names__first_name=first, names__last_name=last)


def test_the_database_holds_exactly_the_planned_authority(seed):
    seed(at=LOAD_MOMENT)

    expected, children = plan_fingerprint(Config.for_run(size=150, seed=1, now=LOAD_MOMENT))
    assert Child.objects.count() == children == 150
    assert database_fingerprint() == expected


def test_children_have_valid_unique_identifiers_and_search_keys(seed):
    seed()

    children = list(Child.objects.all())
    born = [c for c in children if c.date_of_birth]
    assert all(c.nhs_number and nhs_number_valid(c.nhs_number) for c in born)
    assert all(upn_valid(c.upn) for c in children if c.upn)
    assert sum(bool(c.upn) for c in children) > 60  # the school-age children
    assert all(c.display_name and c.current_postcode.startswith("BK") for c in children)
    for name in ChildName.objects.all():
        assert (name.first_key, name.last_key) == (name_key(name.first_name), name_key(name.last_name))
        assert (name.first_sound, name.last_sound) == (sound_key(name.first_name), sound_key(name.last_name))
    legal = Counter(ChildName.objects.filter(kind="legal").values_list("child_id", flat=True))
    assert set(legal.values()) == {1}


def test_every_concern_and_event_has_exactly_its_chronology_entry(seed):
    seed()

    # (The pathway's entries, several per assessment, plan or episode, are tested in test_pathway.py.)
    recorded = ChronologyEntry.objects.filter(source_type__in=["concerns.concern", "concerns.agencyevent"])
    entries = {(e.source_type, e.source_id): e for e in recorded.select_related("author", "agency")}
    per_source = Counter(recorded.values_list("source_type", "source_id"))
    concerns = list(Concern.objects.select_related("author"))
    events = list(AgencyEvent.objects.select_related("author", "agency"))
    assert concerns and events
    assert set(per_source.values()) == {1}
    assert len(entries) == len(concerns) + len(events)
    for concern in concerns:
        entry = entries[("concerns.concern", concern.pk)]
        assert (entry.kind, entry.child_id, entry.agency_id, entry.author_id) == (
            "concern",
            concern.child_id,
            concern.agency_id,
            concern.author_id,
        )
        assert entry.author_label == concern.author.get_full_name()
        assert (entry.occurred_at, entry.recorded_at) == (concern.occurred_at, concern.recorded_at)
        assert entry.summary == concern_summary(concern)
        assert entry.categories == concern.categories == sorted(set(concern.categories))
        assert entry.injury == bool(concern.injury_locations)
        assert entry.immediate_danger == concern.immediate_danger
    for event in events:
        entry = entries[("concerns.agencyevent", event.pk)]
        assert (entry.kind, entry.child_id, entry.agency_id, entry.author_id) == (
            event.kind,
            event.child_id,
            event.agency_id,
            event.author_id,
        )
        label = event.author.get_full_name() if event.author else f"{event.agency} system"
        assert entry.author_label == label
        assert (entry.summary, entry.injury, entry.categories) == (event.summary, event.injury, event.categories)
        assert entry.occurred_at <= entry.recorded_at
    rows = Counter(ChronologyCategory.objects.filter(entry__in=recorded).values_list("entry_id", "code"))
    assert rows == Counter((e.pk, c) for e in entries.values() for c in e.categories)


def test_each_recording_agency_is_involved_with_the_child(seed):
    seed()

    recorded = set(
        ChildInvolvement.objects.filter(basis=InvolvementBasis.RECORDED).values_list("child_id", "agency_id")
    )
    assert set(ChronologyEntry.objects.values_list("child_id", "agency_id")) == recorded
    for inv in ChildInvolvement.objects.filter(basis=InvolvementBasis.RECORDED):
        first = ChronologyEntry.objects.filter(child_id=inv.child_id, agency_id=inv.agency_id).order_by("occurred_at")
        assert inv.started_on <= first[0].occurred_at.date()
    # The school roll and the GP list.
    for enrolment in SchoolEnrolment.objects.all():
        assert ChildInvolvement.objects.filter(
            child_id=enrolment.child_id, agency_id=enrolment.school_id, basis=InvolvementBasis.ROLL
        ).exists()
    registered = ChildInvolvement.objects.filter(basis=InvolvementBasis.REGISTERED).values("child_id")
    assert not Child.objects.filter(date_of_birth__isnull=False).exclude(pk__in=registered).exists()


def test_siblings_are_related_in_both_directions(seed):
    seed()

    pairs = set(Relationship.objects.filter(related_child__isnull=False).values_list("child_id", "related_child_id"))
    assert pairs
    assert all((b, a) in pairs for a, b in pairs)


def test_the_baby_story_shows_an_injury_under_six_months_seen_by_four_agencies(seed):
    seed()

    lily = named("Lily-Mae", "Turner")
    assert lily.date_of_birth is not None
    entries = list(ChronologyEntry.objects.filter(child=lily))
    injuries = [e for e in entries if e.injury and (e.occurred_at.date() - lily.date_of_birth).days < 183]
    assert any(e.kind == "ae_attendance" for e in injuries)
    assert len({e.agency_id for e in entries}) >= 4
    attendances = sorted(e.occurred_at for e in entries if e.kind == "ae_attendance")
    assert len(attendances) == 2 and attendances[1] - attendances[0] < dt.timedelta(weeks=5)
    assert any("domestic_abuse" in e.categories for e in entries)


def test_the_other_stories_are_there(seed):
    seed()

    tyler = named("Tyler", "Brooks")
    kinds = Counter(ChronologyEntry.objects.filter(child=tyler).values_list("kind", flat=True))
    assert kinds["missing_episode"] == 2 and kinds["school_absence"] >= 3 and kinds["concern"] == 3
    categories = {
        c for cats in ChronologyEntry.objects.filter(child=tyler).values_list("categories", flat=True) for c in cats
    }
    assert "criminal_exploitation" in categories

    poppy, kayden = named("Poppy", "Walsh"), named("Kayden", "Price")
    assert Relationship.objects.filter(child=poppy, related_child=kayden, relationship="half_sibling").exists()
    assert poppy.current_postcode != kayden.current_postcode
    assert StatusPeriod.objects.filter(child=kayden, status="cp_plan", ended_on__isnull=True).exists()
    assert not StatusPeriod.objects.filter(child=poppy).exists()
    assert set(Concern.objects.filter(child=poppy).values_list("agency__kind", flat=True)) == {"school", "gp_practice"}

    jaiden = named("Jaiden", "Smith")
    assert jaiden.date_of_birth == dt.date(2019, 3, 7)
    assert jaiden.current_postcode == "BK2 7DL"


def test_demo_users_have_the_relationships_the_stories_need(seed):
    seed()

    dsl, gp, social_worker, dpo = (User.objects.get(username=u) for u in ("dsl", "gp", "socialworker", "dpo"))
    visible = set(children_visible_to(dsl).values_list("display_name", flat=True))
    assert {"Tyler Brooks", "Poppy Walsh", "Jaiden Smith", "Kai Turner"} <= visible
    assert "Kayden Price" not in visible
    assert basis_for(gp, named("Lily-Mae", "Turner").pk) is Basis.AGENCY
    assert basis_for(social_worker, named("Kayden", "Price").pk) is Basis.WHOLE_LA
    assert dpo.may_view_audit and not dpo.role.may_break_glass


def test_signals_are_evaluated_for_children_with_entries(seed, monkeypatch):
    from safeguarding.concerns import signal_rules

    evaluated: list[int] = []
    monkeypatch.setattr(signal_rules, "signals_evaluate", lambda *, child: evaluated.append(child.pk))
    seed(signals=True)

    with_entries = set(ChronologyEntry.objects.values_list("child_id", flat=True))
    assert sorted(evaluated) == sorted(with_entries)


def test_one_audit_event_for_the_whole_load(seed):
    before = AuditEvent.objects.count()
    seed()

    events = list(AuditEvent.objects.all()[: AuditEvent.objects.count() - before])
    assert len(events) == 1
    assert events[0].actor_label == "seed_demo"
    assert events[0].detail["event"] == "system: synthetic data loaded"
    assert events[0].detail["children"] == 150


def test_if_empty_does_nothing_the_second_time(seed):
    seed()
    counts = (Child.objects.count(), ChronologyEntry.objects.count(), AuditEvent.objects.count())
    out = StringIO()

    call_command("seed_demo", size=150, seed=1, if_empty=True, no_progress=True, stdout=out)

    assert "nothing loaded" in out.getvalue()
    assert (Child.objects.count(), ChronologyEntry.objects.count(), AuditEvent.objects.count()) == counts


def test_refuses_a_database_that_already_holds_children(seed):
    seed()

    with pytest.raises(CommandError, match="already holds 150 children"):
        call_command("seed_demo", size=150, seed=1, no_progress=True, skip_signals=True)


def test_statuses_are_well_formed(seed):
    seed(size=400)

    for period in StatusPeriod.objects.select_related("child"):
        assert period.ended_on is None or period.started_on <= period.ended_on
        if period.child.date_of_birth:
            assert period.started_on >= period.child.date_of_birth
        assert (period.status == "cp_plan") == bool(period.category)
    assert (
        Child.objects.annotate(n=Count("status_periods")).filter(n__gt=0).count() > 10
    )  # some children are known to services


def test_the_stories_raise_signals(seed):
    """The demo guide points at these: each raises at least one signal from the real rules."""
    from safeguarding.concerns.models import ChildSignal

    seed(signals=True)

    for first, last in (("Lily-Mae", "Turner"), ("Tyler", "Brooks"), ("Poppy", "Walsh")):
        assert ChildSignal.objects.filter(child=named(first, last), cleared_at__isnull=True).exists(), first


def test_an_unborn_child_on_a_plan(seed):
    seed()

    unborn = Child.objects.get(expected_date_of_birth__isnull=False, display_name="Unborn Price")
    assert unborn.date_of_birth is None and unborn.nhs_number is None
    assert StatusPeriod.objects.filter(child=unborn, status="unborn_plan", ended_on__isnull=True).exists()
