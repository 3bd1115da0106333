"""Early help fixtures: an episode led by the school DSL (`entitled`), with the family's consent."""

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from safeguarding.earlyhelp.models import EarlyHelpEpisode
from safeguarding.earlyhelp.services import episode_start
from tests.factories import AgencyFactory, RoleFactory, UserFactory

# A Monday, well away from bank holidays.
TODAY = dt.date(2025, 3, 10)


@pytest.fixture
def frozen() -> Iterator[dt.date]:
    """Time stands still at 10am on TODAY (London)."""
    at = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(10)))
    with time_machine.travel(at, tick=False):
        yield TODAY


def start(child: Any, lead: Any, by: Any, **overrides: Any) -> EarlyHelpEpisode:
    """An episode through the service, with consent, started ten days ago unless told."""
    today = timezone.localdate()
    args: dict[str, Any] = {
        "child": child,
        "started_on": today - dt.timedelta(days=10),
        "lead_practitioner": lead,
        "lead_chosen_with_family": True,
        "lead_choice_note": "Mum asked for the school's family support worker.",
        "consent_given_by": "Sarah Jones",
        "consent_relationship": "Mother",
        "consent_on": today - dt.timedelta(days=12),
        "by": by,
    }
    args.update(overrides)
    return episode_start(**args)


@pytest.fixture
def episode(child: Any, entitled: Any) -> EarlyHelpEpisode:
    """Led by the school DSL, who started it."""
    return start(child, entitled, entitled)


@pytest.fixture
def early_help_worker(db: Any) -> Any:
    from safeguarding.access.models import AgencyKind

    agency = AgencyFactory(name="Family Hub North", kind=AgencyKind.LA_EARLY_HELP)
    return UserFactory(username="ehworker", agency=agency, role=RoleFactory(key="eh-worker", name="Family worker"))
