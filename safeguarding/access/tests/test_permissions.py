"""Who may see which child and which entries: access/permissions.py and child_for.

Personas (conftest.py): `entitled` is the DSL of the school the child is on the roll of;
`other_agency` is a GP with no relationship; `outsider` belongs to no agency;
`front_door` covers the whole local authority.
"""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils import timezone

from safeguarding.access.models import (
    AgencyKind,
    BreakGlassAccess,
    ChildTeamMembership,
    InvolvementBasis,
)
from safeguarding.access.permissions import Basis, basis_for, children_visible_to, entries_visible_to
from safeguarding.access.services import child_for, involvement_ensure, team_member_add
from safeguarding.audit.models import Action, AuditEvent
from safeguarding.concerns.models import ChronologyShare
from safeguarding.core.errors import NoRelationship
from tests.factories import AgencyFactory, ChildFactory, RoleFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher")]

TODAY = dt.date(2025, 3, 12)


def visible(user):  # type: ignore[no-untyped-def]
    return set(children_visible_to(user))


# ---------------------------------------------------------------- basis_for


def test_three_personas(child, entitled, other_agency, outsider) -> None:  # type: ignore[no-untyped-def]
    assert basis_for(entitled, child.pk) is Basis.AGENCY
    assert basis_for(other_agency, child.pk) is Basis.NONE
    assert basis_for(outsider, child.pk) is Basis.NONE
    assert visible(entitled) == {child}
    assert visible(other_agency) == set()
    assert visible(outsider) == set()


def test_anonymous_user_has_no_basis(child) -> None:  # type: ignore[no-untyped-def]
    assert basis_for(AnonymousUser(), child.pk) is Basis.NONE  # type: ignore[arg-type]
    assert not children_visible_to(AnonymousUser()).exists()  # type: ignore[arg-type]


def test_missing_child_has_no_basis(entitled) -> None:  # type: ignore[no-untyped-def]
    assert basis_for(entitled, 999_999) is Basis.NONE


@pytest.mark.parametrize("basis", list(InvolvementBasis))
def test_every_involvement_basis_entitles_the_agency(basis, gp, other_agency) -> None:  # type: ignore[no-untyped-def]
    c = ChildFactory()
    involvement_ensure(child=c, agency=gp, basis=basis)
    assert basis_for(other_agency, c.pk) is Basis.AGENCY
    assert visible(other_agency) == {c}


def test_involvement_entitles_every_practitioner_of_the_agency(child, school) -> None:  # type: ignore[no-untyped-def]
    colleague = UserFactory(username="teacher", agency=school)
    assert basis_for(colleague, child.pk) is Basis.AGENCY


@time_machine.travel(dt.datetime(2025, 3, 12, 10, tzinfo=dt.UTC), tick=False)
def test_ended_involvement_no_longer_counts(school, entitled) -> None:  # type: ignore[no-untyped-def]
    c = ChildFactory()
    involvement = involvement_ensure(
        child=c, agency=school, basis=InvolvementBasis.ROLL, started_on=dt.date(2020, 9, 1)
    )
    involvement.ended_on = TODAY  # leaves today: still the school's pupil until the day ends
    involvement.save(update_fields=["ended_on"])
    assert basis_for(entitled, c.pk) is Basis.AGENCY
    involvement.ended_on = TODAY - dt.timedelta(days=1)
    involvement.save(update_fields=["ended_on"])
    assert basis_for(entitled, c.pk) is Basis.NONE
    assert c not in visible(entitled)


def test_childs_team_member_of_another_agency(child, other_agency, front_door) -> None:  # type: ignore[no-untyped-def]
    membership = team_member_add(child=child, practitioner=other_agency, capacity="core group member", by=front_door)
    assert basis_for(other_agency, child.pk) is Basis.CHILDS_TEAM
    assert visible(other_agency) == {child}
    membership.ended_at = timezone.now() - dt.timedelta(minutes=1)
    membership.save(update_fields=["ended_at"])
    assert basis_for(other_agency, child.pk) is Basis.NONE
    assert visible(other_agency) == set()


def test_team_membership_ending_later_still_counts(child, other_agency) -> None:  # type: ignore[no-untyped-def]
    ChildTeamMembership.objects.create(
        child=child, practitioner=other_agency, capacity="core group", ended_at=timezone.now() + dt.timedelta(days=7)
    )
    assert basis_for(other_agency, child.pk) is Basis.CHILDS_TEAM


def test_team_membership_is_personal_not_agency_wide(child, other_agency, gp) -> None:  # type: ignore[no-untyped-def]
    team_member_add(child=child, practitioner=other_agency, capacity="core group member", by=None)
    colleague = UserFactory(username="gp2", agency=gp)
    assert basis_for(colleague, child.pk) is Basis.NONE


def test_team_beats_agency(child, entitled) -> None:  # type: ignore[no-untyped-def]
    team_member_add(child=child, practitioner=entitled, capacity="lead practitioner", by=None)
    assert basis_for(entitled, child.pk) is Basis.CHILDS_TEAM


def test_whole_la_role_sees_every_child(child, front_door) -> None:  # type: ignore[no-untyped-def]
    another = ChildFactory()
    assert basis_for(front_door, child.pk) is Basis.WHOLE_LA
    assert basis_for(front_door, another.pk) is Basis.WHOLE_LA
    assert visible(front_door) == {child, another}


def test_whole_la_role_without_agency_sees_nothing(child) -> None:  # type: ignore[no-untyped-def]
    stray = UserFactory(username="stray", agency=None, role=RoleFactory(key="fd2", covers_whole_la=True))
    assert basis_for(stray, child.pk) is Basis.NONE
    assert visible(stray) == set()


def test_active_break_glass_then_expired(child, other_agency) -> None:  # type: ignore[no-untyped-def]
    start = dt.datetime(2025, 3, 12, 10, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        BreakGlassAccess.objects.create(
            practitioner=other_agency,
            child=child,
            reason="Child at A&E with injuries",
            granted_at=start,
            expires_at=start + dt.timedelta(minutes=60),
        )
        assert basis_for(other_agency, child.pk) is Basis.BREAK_GLASS
        assert visible(other_agency) == {child}
    with time_machine.travel(start + dt.timedelta(minutes=59), tick=False):
        assert basis_for(other_agency, child.pk) is Basis.BREAK_GLASS
    with time_machine.travel(start + dt.timedelta(minutes=60), tick=False):
        assert basis_for(other_agency, child.pk) is Basis.NONE
        assert visible(other_agency) == set()


def test_break_glass_is_for_that_child_only(child, other_agency) -> None:  # type: ignore[no-untyped-def]
    other_child = ChildFactory()
    BreakGlassAccess.objects.create(
        practitioner=other_agency, child=child, reason="x" * 12, expires_at=timezone.now() + dt.timedelta(hours=1)
    )
    assert basis_for(other_agency, other_child.pk) is Basis.NONE
    assert visible(other_agency) == {child}


def test_visible_children_are_distinct_whatever_the_bases(child, entitled, school) -> None:  # type: ignore[no-untyped-def]
    involvement_ensure(child=child, agency=school, basis=InvolvementBasis.RECORDED)
    team_member_add(child=child, practitioner=entitled, capacity="lead", by=None)
    BreakGlassAccess.objects.create(
        practitioner=entitled, child=child, reason="x" * 12, expires_at=timezone.now() + dt.timedelta(hours=1)
    )
    assert list(children_visible_to(entitled)) == [child]
    assert children_visible_to(entitled).count() == 1


# ---------------------------------------------------------------- query counts


def _crowd(entitled, gp) -> None:  # type: ignore[no-untyped-def]
    for i in range(15):
        c = ChildFactory()
        involvement_ensure(child=c, agency=entitled.agency, basis=InvolvementBasis.ROLL)
        involvement_ensure(child=c, agency=gp, basis=InvolvementBasis.REGISTERED)
        ChildTeamMembership.objects.create(child=c, practitioner=entitled, capacity="x", ended_at=timezone.now())
        BreakGlassAccess.objects.create(
            practitioner=entitled, child=c, reason="x" * 12, expires_at=timezone.now() - dt.timedelta(hours=i)
        )


@pytest.mark.parametrize("size", [0, 1])
def test_basis_for_is_one_query(child, entitled, other_agency, gp, size, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    if size:
        _crowd(entitled, gp)
    for user in (entitled, other_agency):
        with django_assert_num_queries(1):
            basis_for(user, child.pk)


def test_basis_for_whole_la_and_outsider_need_no_query(child, front_door, outsider, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    with django_assert_num_queries(0):
        assert basis_for(front_door, child.pk) is Basis.WHOLE_LA
        assert basis_for(outsider, child.pk) is Basis.NONE


@pytest.mark.parametrize("size", [0, 1])
def test_children_visible_count_is_one_query(  # type: ignore[no-untyped-def]
    child, entitled, front_door, outsider, gp, size, django_assert_num_queries
) -> None:
    if size:
        _crowd(entitled, gp)
    for user in (entitled, front_door):
        with django_assert_num_queries(1):
            children_visible_to(user).count()
    with django_assert_num_queries(0):
        assert list(children_visible_to(outsider)) == []


# ---------------------------------------------------------------- entries_visible_to


@pytest.fixture
def entries(child, school, gp, entitled, other_agency, make_entry):  # type: ignore[no-untyped-def]
    school_entry = make_entry(child, school, entitled, "School concern")
    gp_entry = make_entry(child, gp, other_agency, "GP appointment missed")
    gp_shared = make_entry(child, gp, other_agency, "GP shared with school")
    ChronologyShare.objects.create(entry=gp_shared, agency=school, shared_by=other_agency, reason="Relevant to school")
    return school_entry, gp_entry, gp_shared


def test_agency_sees_own_and_shared_entries_not_others(child, entitled, entries) -> None:  # type: ignore[no-untyped-def]
    school_entry, gp_entry, gp_shared = entries
    seen = set(entries_visible_to(entitled, child, basis_for(entitled, child.pk)))
    assert seen == {school_entry, gp_shared}
    assert gp_entry not in seen


def test_share_with_another_agency_does_not_reach_this_one(child, entitled, entries, other_agency) -> None:  # type: ignore[no-untyped-def]
    _, gp_entry, _ = entries
    police = AgencyFactory(name="Police", kind=AgencyKind.POLICE)
    ChronologyShare.objects.create(entry=gp_entry, agency=police, shared_by=other_agency, reason="Strategy")
    assert gp_entry not in set(entries_visible_to(entitled, child, Basis.AGENCY))


def test_front_door_team_and_break_glass_see_everything(child, front_door, other_agency, entries) -> None:  # type: ignore[no-untyped-def]
    assert set(entries_visible_to(front_door, child, basis_for(front_door, child.pk))) == set(entries)
    for basis in (Basis.CHILDS_TEAM, Basis.BREAK_GLASS, Basis.WHOLE_LA):
        assert set(entries_visible_to(other_agency, child, basis)) == set(entries)


def test_no_basis_sees_no_entries(child, other_agency, outsider, entries) -> None:  # type: ignore[no-untyped-def]
    assert not entries_visible_to(other_agency, child, basis_for(other_agency, child.pk)).exists()
    assert not entries_visible_to(outsider, child, basis_for(outsider, child.pk)).exists()


def test_gp_registered_sees_own_entries_not_schools(child, gp, other_agency, entries) -> None:  # type: ignore[no-untyped-def]
    school_entry, gp_entry, gp_shared = entries
    involvement_ensure(child=child, agency=gp, basis=InvolvementBasis.REGISTERED)
    assert set(entries_visible_to(other_agency, child, basis_for(other_agency, child.pk))) == {gp_entry, gp_shared}


def test_entries_of_other_children_never_leak(child, front_door, school, entitled, make_entry) -> None:  # type: ignore[no-untyped-def]
    other = ChildFactory()
    make_entry(other, school, entitled, "Other child")
    assert not entries_visible_to(front_door, child, Basis.WHOLE_LA).exists()
    assert not entries_visible_to(entitled, child, Basis.AGENCY).exists()


def test_entries_visible_is_one_query(child, entitled, entries, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    entitled = type(entitled).objects.get(pk=entitled.pk)  # fresh: agency not cached
    with django_assert_num_queries(1):
        list(entries_visible_to(entitled, child, Basis.AGENCY))


# ---------------------------------------------------------------- child_for


def test_child_for_missing_child_is_404(entitled) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Http404):
        child_for(entitled, 999_999)


def test_child_for_entitled_is_audited_with_basis(child, entitled) -> None:  # type: ignore[no-untyped-def]
    got, basis = child_for(entitled, child.pk, what="chronology")
    assert got == child and basis is Basis.AGENCY
    event = AuditEvent.objects.get(child=child)
    assert event.action == Action.VIEW
    assert event.actor == entitled
    assert event.detail == {"what": "chronology", "basis": "agency"}
    assert event.agency_label == "Riverside Primary School"


def test_child_for_passes_the_action_through(child, front_door) -> None:  # type: ignore[no-untyped-def]
    child_for(front_door, child.pk, action=Action.PRINT, what="chronology")
    event = AuditEvent.objects.get(child=child)
    assert event.action == Action.PRINT
    assert event.detail["basis"] == "whole_la"


@pytest.mark.parametrize("persona", ["other_agency", "outsider"])
def test_child_for_refuses_and_audits_the_refusal(child, persona, request) -> None:  # type: ignore[no-untyped-def]
    user = request.getfixturevalue(persona)
    with pytest.raises(NoRelationship) as refused:
        child_for(user, child.pk, what="record")
    assert refused.value.child_id == child.pk
    denied = AuditEvent.objects.get(child=child)
    assert denied.action == Action.DENIED
    assert denied.actor == user
    assert denied.detail == {"what": "record"}
    assert not AuditEvent.objects.filter(action=Action.VIEW).exists()


def test_child_for_query_count(child, entitled, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    child_for(entitled, child.pk)  # the first event creates the chain head
    # Child, basis, and the audit append (savepoint, chain head lock, insert, head update,
    # release).
    with django_assert_max_num_queries(7):
        child_for(entitled, child.pk)
