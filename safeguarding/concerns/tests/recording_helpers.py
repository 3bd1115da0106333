"""Helpers for the recording tests: a complete, valid concern form, and concerns written
through the real service."""

import datetime as dt
from typing import Any

from django.utils import timezone

from safeguarding.access.models import User
from safeguarding.concerns.models import Concern
from safeguarding.concerns.services import ConcernInput, concern_record
from safeguarding.people.models import Child


def concern_post(**overrides: Any) -> dict[str, Any]:
    """What a practitioner types into the concern form (yesterday, 14:30)."""
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    data: dict[str, Any] = {
        "occurred_day": str(yesterday.day),
        "occurred_month": str(yesterday.month),
        "occurred_year": str(yesterday.year),
        "occurred_time": "14:30",
        "what_happened": "Amelia had a large bruise on her upper arm at drop-off.",
        "childs_words": "Daddy grabbed me when I spilt my juice",
        "categories": ["physical_abuse", "domestic_abuse"],
        "immediate_danger": "no",
        "action_taken": "Spoke to the DSL; called the front door.",
        "injury_locations": ["left_arm"],
        "injury_description": "Four finger-shaped bruises, purple, about 2cm each",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def new_child_post(**overrides: Any) -> dict[str, Any]:
    """The child's details and the concern, as typed on the new-child page."""
    data: dict[str, Any] = {
        "first_name": "Zebedee",
        "last_name": "Quartermaine",
        "born": "yes",
        "dob_day": "3",
        "dob_month": "9",
        "dob_year": "2019",
        "sex": "M",
        "nhs_number": "",
        "upn": "",
        "address_line1": "12 Mill Lane",
        "town": "Riverside",
        "postcode": "rv1 2ab",
        **concern_post(),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def concern_input(**overrides: Any) -> ConcernInput:
    values: dict[str, Any] = {
        "occurred_at": timezone.now() - dt.timedelta(days=1),
        "what_happened": "Bruise on the upper arm",
        "action_taken": "Told the DSL",
        "categories": ["physical_abuse"],
    }
    values.update(overrides)
    return ConcernInput(**values)


def record_concern(child: Child, by: User, **overrides: Any) -> Concern:
    return concern_record(child=child, data=concern_input(**overrides), by=by)
