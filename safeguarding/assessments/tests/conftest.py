"""Fixtures for assessments and child in need plans, at a fixed today (Wednesday 25 June 2025).

The referral is made on Monday 14 April 2025. Its 45 working days run past Good Friday
(18 April), Easter Monday (21 April), the early May (5 May) and spring (26 May) bank
holidays: the assessment is due on Friday 20 June 2025, not Monday 16 June as 45 weekdays
would say.
"""

import datetime as dt

import pytest

from safeguarding.access.models import AgencyKind
from tests.factories import AgencyFactory, ReferralFactory, RoleFactory, UserFactory, aware

TODAY = dt.date(2025, 6, 25)
REFERRAL_DATE = dt.date(2025, 4, 14)
DUE = dt.date(2025, 6, 20)


@pytest.fixture(autouse=True)
def frozen_today(time_machine):  # type: ignore[no-untyped-def]
    time_machine.move_to(aware(2025, 6, 25, 11, 0), tick=False)


@pytest.fixture
def social_worker(front_door):  # type: ignore[no-untyped-def]
    """A social worker of children's social care (covers the whole local authority)."""
    return front_door


@pytest.fixture
def manager(social_care):  # type: ignore[no-untyped-def]
    role = RoleFactory(
        key="team-manager", name="Team manager", covers_whole_la=True, is_social_worker=True, is_manager=True
    )
    return UserFactory(username="manager", first_name="Maya", last_name="Khan", agency=social_care, role=role)


@pytest.fixture
def other_social_worker(social_care):  # type: ignore[no-untyped-def]
    role = RoleFactory(key="social-worker", name="Social worker", covers_whole_la=True, is_social_worker=True)
    return UserFactory(username="sw2", first_name="Sam", last_name="Ward", agency=social_care, role=role)


@pytest.fixture
def family_worker(db):  # type: ignore[no-untyped-def]
    """A family support worker of early help: not a social worker, not covering the whole LA."""
    agency = AgencyFactory(name="Early Help Service", kind=AgencyKind.LA_EARLY_HELP)
    role = RoleFactory(key="family-worker", name="Family support worker")
    return UserFactory(username="fsw", first_name="Fran", last_name="Lee", agency=agency, role=role)


@pytest.fixture
def referral(child, entitled):  # type: ignore[no-untyped-def]
    return ReferralFactory(
        contact__child=child,
        contact__referrer=entitled,
        contact__received_at=aware(2025, 4, 14, 10, 0),
        referral_date=REFERRAL_DATE,
    )
