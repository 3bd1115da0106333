import pytest
from django.test import Client


@pytest.mark.django_db
def test_unknown_page_is_a_govuk_404(as_user, entitled):
    response = as_user(entitled).get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"govuk-heading-l" in response.content


@pytest.mark.django_db
def test_refused_page_is_a_govuk_403(as_user, outsider, child):
    # An outsider (no agency) may not open the signals list's audit page
    response = as_user(outsider).get("/audit/")
    assert response.status_code == 403
    assert b"You cannot see this page" in response.content


def test_signed_out_visitors_are_sent_to_sign_in():
    response = Client().get("/children/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")
