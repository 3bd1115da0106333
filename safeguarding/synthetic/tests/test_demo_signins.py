"""The demo users can sign in with the printed password and the code demo_code prints."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp import match_token

from safeguarding.access.models import User
from safeguarding.synthetic.demo import DEMO_PASSWORD, demo_totp_key
from safeguarding.synthetic.plan import DEMO_USERS


def code_for(username: str) -> str:
    out = StringIO()
    call_command("demo_code", username, stdout=out)
    return out.getvalue().strip()


def test_a_demo_user_signs_in_through_the_real_pages(seed, client):
    seed()

    response = client.post(reverse("web:sign-in"), {"username": "dsl", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("web:sign-in-otp")

    response = client.post(reverse("web:sign-in-otp"), {"token": code_for("dsl")})
    assert response.status_code == 302
    assert client.get(reverse("web:home")).status_code == 200


def test_the_code_matches_the_device(seed):
    seed()

    code = code_for("gp")
    assert re.fullmatch(r"\d{6}", code)
    device = match_token(User.objects.get(username="gp"), code)
    assert device is not None
    assert device.key == demo_totp_key("gp")  # fixed, so the demo always works


def test_demo_signins_lists_every_demo_user(seed):
    seed()
    out = StringIO()

    call_command("demo_signins", stdout=out)

    text = out.getvalue()
    for demo in DEMO_USERS:
        assert re.search(rf"^{demo.username}\s.*{DEMO_PASSWORD}\s+[A-Z2-7]{{32}}\s+\d{{6}}$", text, re.M)
    assert "manage.py demo_code <username>" in text


def test_demo_code_refuses_an_ordinary_user(seed):
    seed()
    ordinary = User.objects.exclude(username__in=[d.username for d in DEMO_USERS]).first()

    with pytest.raises(CommandError, match="not a demo user"):
        call_command("demo_code", ordinary.username)


def test_ordinary_practitioners_cannot_sign_in_with_a_password(seed):
    seed()

    assert not User.objects.exclude(username__in=[d.username for d in DEMO_USERS]).first().has_usable_password()
