"""Each client has its own rate limit (API_RATE); one client's burst slows no other."""

import pytest

pytestmark = pytest.mark.django_db
URL = "/api/v1/referrals/"


def test_a_client_over_its_rate_is_told_when_to_come_back(school_client, gp_client, settings):  # type: ignore[no-untyped-def]
    settings.API_RATE = "2/minute"
    assert school_client.get(URL).status_code == 200
    assert school_client.get(URL).status_code == 200
    limited = school_client.get(URL)
    assert limited.status_code == 429
    assert limited["Content-Type"] == "application/problem+json"
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert "try again in" in limited.json()["detail"]
    # Another client's bucket is its own.
    assert gp_client.get(URL).status_code == 200
