"""Shared by the page tests: posted dates and the refusal check."""

import datetime as dt


def date_post(prefix: str, d: dt.date) -> dict[str, str]:
    return {f"{prefix}_day": str(d.day), f"{prefix}_month": str(d.month), f"{prefix}_year": str(d.year)}


def assert_refused(as_user, url, *, entitled, other_agency, outsider, method="get"):  # type: ignore[no-untyped-def]
    """The DSL (no right to record) gets 403; the GP and the outsider the no-relationship page."""
    dsl = getattr(as_user(entitled), method)(url)
    assert dsl.status_code == 403
    for person in (other_agency, outsider):
        response = getattr(as_user(person), method)(url)
        assert response.status_code == 403
        assert "You do not have a working relationship with this child" in response.content.decode()
