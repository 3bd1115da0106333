"""Test helpers for the record of every share: answers as the services take them and as
the form posts them, and the agencies the tests share with.

Plain functions, not fixtures, so that both test modules use them without importing
each other's fixtures.
"""

import datetime as dt
from dataclasses import replace
from typing import Any

from django.utils import timezone

from safeguarding.access.models import Agency
from safeguarding.sharing.shares import ShareInput

WHAT = "Amelia's attendance this term and the bruising the class teacher saw on 3 March"
WHY = "The GP is reviewing her injuries and asked whether school had seen anything"
NOT_SOUGHT = "Asking her stepfather, who may have caused the injuries, could put Amelia at risk"
NOT_TOLD = "Her stepfather would learn that the GP is looking at her injuries before the strategy discussion"
NOT_SHARED_WHAT = "A request from a solicitor acting for Amelia's father for her school reports"
NOT_SHARED_WHY = "The request is for a private family court dispute; it is not needed to keep Amelia safe"


def yesterday() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=1)


def phone_share(agency: Agency | None, **overrides: Any) -> ShareInput:
    """A DSL's phone call to the GP: shared, consent not sought, the family not told."""
    data = ShareInput(
        decision="shared",
        decided_on=yesterday(),
        what=WHAT,
        why=WHY,
        with_agency=agency,
        with_person="Dr Amir Patel, GP partner",
        channel="phone",
        lawful_basis="public_task",
        consent="not_sought",
        consent_reason=NOT_SOUGHT,
        family_told="not_told",
        family_not_told_reason=NOT_TOLD,
    )
    return replace(data, **overrides)


def not_shared(agency: Agency | None, **overrides: Any) -> ShareInput:
    data = ShareInput(
        decision="not_shared",
        decided_on=yesterday(),
        what=NOT_SHARED_WHAT,
        why=NOT_SHARED_WHY,
        with_agency=agency,
        with_person="Ms Jane Hale, solicitor" if agency is None else "",
    )
    return replace(data, **overrides)


def share_post(agency: Agency | None, **overrides: str) -> dict[str, str]:
    """The form's POST for `phone_share`: what a browser sends."""
    day = yesterday()
    data = {
        "with_agency": str(agency.pk) if agency is not None else "",
        "with_person": "Dr Amir Patel, GP partner",
        "decided_day": str(day.day),
        "decided_month": str(day.month),
        "decided_year": str(day.year),
        "channel": "phone",
        "what": WHAT,
        "why": WHY,
        "lawful_basis": "public_task",
        "special_category": "no",
        "consent": "not_sought",
        "consent_not_sought_reason": NOT_SOUGHT,
        "consent_refused_reason": "",
        "family_told": "not_told",
        "family_not_told_reason": NOT_TOLD,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def not_shared_post(agency: Agency | None, **overrides: str) -> dict[str, str]:
    day = yesterday()
    data = {
        "with_agency": str(agency.pk) if agency is not None else "",
        "with_person": "Ms Jane Hale, solicitor" if agency is None else "",
        "decided_day": str(day.day),
        "decided_month": str(day.month),
        "decided_year": str(day.year),
        "what": NOT_SHARED_WHAT,
        "why": NOT_SHARED_WHY,
    }
    data.update(overrides)
    return data
