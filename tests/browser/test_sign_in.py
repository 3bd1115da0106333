import pytest

from tests.browser.conftest import PASSWORD, current_code

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_practitioner_signs_in_with_password_and_security_code(page, live_server, entitled):
    current_code(entitled)  # the demo sets up each user's authenticator
    page.goto(f"{live_server.url}/children/")
    assert "/sign-in/" in page.url  # nothing is open without signing in
    page.get_by_label("Username").fill("dsl")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()

    page.get_by_label("Security code").fill("000000" if current_code(entitled) != "000000" else "111111")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").get_by_text("The security code is not correct").is_visible()
    page.wait_for_timeout(1100)  # after a wrong code the device refuses codes for a second

    page.get_by_label("Security code").fill(current_code(entitled))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/children/")
    assert page.get_by_text("Signed in as").is_visible()
