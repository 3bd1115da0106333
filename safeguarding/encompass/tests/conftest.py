"""Operation Encompass fixtures: a police force and officer, the child on the school's roll,
the local authority's terms for 2025 to 2027, and an incident recorded on a Friday night.

The root conftest's personas: `entitled` is the school's designated safeguarding lead,
`other_agency` a GP, `outsider` belongs to no agency, `front_door` covers the whole LA.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from safeguarding.access.models import AgencyKind
from safeguarding.encompass.models import Presence, SchoolTerm
from safeguarding.encompass.services import ChildAtIncident, IncidentInput, encompass_incident_record
from safeguarding.people.models import SchoolEnrolment
from tests.factories import AgencyFactory, RoleFactory, UserFactory

LONDON = ZoneInfo("Europe/London")
D = dt.date

TERMS = [
    ("Summer 1, 2026", D(2026, 4, 13), D(2026, 5, 22)),
    ("Summer 2, 2026", D(2026, 6, 1), D(2026, 7, 22)),
    ("Autumn 1, 2026", D(2026, 9, 3), D(2026, 10, 23)),
    ("Autumn 2, 2026", D(2026, 11, 2), D(2026, 12, 18)),
    ("Spring 1, 2027", D(2027, 1, 4), D(2027, 2, 12)),
    ("Spring 2, 2027", D(2027, 2, 22), D(2027, 3, 25)),
    ("Summer 1, 2027", D(2027, 4, 12), D(2027, 5, 28)),
]


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=LONDON)


def travel(moment: dt.datetime) -> time_machine.travel:
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def terms(db):  # type: ignore[no-untyped-def]
    """The terms the tests are written against (the demo's own are replaced)."""
    SchoolTerm.objects.all().delete()
    SchoolTerm.objects.bulk_create(SchoolTerm(name=n, first_day=first, last_day=last) for n, first, last in TERMS)


@pytest.fixture
def front_door(front_door):  # type: ignore[no-untyped-def]
    """The root persona, deciding contacts at the front door (told when a notification escalates)."""
    front_door.role.may_decide_referrals = True
    front_door.role.save(update_fields=["may_decide_referrals"])
    return front_door


@pytest.fixture
def police(db):  # type: ignore[no-untyped-def]
    return AgencyFactory(name="Brookford Police", kind=AgencyKind.POLICE)


@pytest.fixture
def officer(police):  # type: ignore[no-untyped-def]
    return UserFactory(username="pc-ward", agency=police, role=RoleFactory(key="police", name="Police officer"))


@pytest.fixture
def other_force(db):  # type: ignore[no-untyped-def]
    force = AgencyFactory(name="Other Constabulary", kind=AgencyKind.POLICE)
    return UserFactory(username="pc-other", agency=force, role=RoleFactory(key="police", name="Police officer"))


@pytest.fixture
def on_roll(child, school):  # type: ignore[no-untyped-def]
    """The root fixture's child, enrolled at the school (the school the notification goes to)."""
    SchoolEnrolment.objects.create(child=child, school=school, started_on=D(2021, 9, 1))
    return child


@pytest.fixture
def teacher(school):  # type: ignore[no-untyped-def]
    return UserFactory(username="teacher", agency=school, role=RoleFactory(key="teacher", name="Teacher"))


@pytest.fixture
def other_dsl(db):  # type: ignore[no-untyped-def]
    other_school = AgencyFactory(name="Hillside Academy", kind=AgencyKind.SCHOOL)
    return UserFactory(username="dsl-hillside", agency=other_school, role=RoleFactory(key="dsl"))


def incident_input(reference: str = "DA/2026/0451", when: dt.datetime | None = None) -> IncidentInput:
    return IncidentInput(
        reference=reference,
        occurred_at=when or at(2026, 12, 11, 21, 5),
        summary_for_school="Police attended an argument between adults at the home. Amelia was upstairs and "
        "heard shouting. Nobody was hurt; one adult left the address.",
    )


@pytest.fixture
def friday_night():  # type: ignore[no-untyped-def]
    """Friday 11 December 2026, 22:40: due before 08:30 on Monday 14 December."""
    return at(2026, 12, 11, 22, 40)


@pytest.fixture
def incident(terms, officer, on_roll, entitled, front_door, friday_night):  # type: ignore[no-untyped-def]
    with travel(friday_night):
        return encompass_incident_record(
            data=incident_input(), child=ChildAtIncident(presence=Presence.PRESENT, child=on_roll), by=officer
        )


@pytest.fixture
def notification(incident):  # type: ignore[no-untyped-def]
    return incident.children.get().notification
