"""Small helpers for the early help view tests."""

import datetime as dt
from typing import Any


def date_fields(prefix: str, day: dt.date) -> dict[str, str]:
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month), f"{prefix}_year": str(day.year)}


def three_personas(as_user: Any, url: str, entitled: Any, other_agency: Any, outsider: Any) -> None:
    """The entitled person gets the page; another agency's practitioner and an outsider are refused."""
    assert as_user(entitled).get(url).status_code == 200
    assert as_user(other_agency).get(url).status_code == 403
    assert as_user(outsider).get(url).status_code == 403
