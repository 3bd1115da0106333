"""Shared fixtures: the three personas every endpoint is tested with.

- `entitled`: a practitioner whose agency is involved with `child` (a school DSL).
- `other_agency`: a practitioner of another agency with no relationship to `child`.
- `outsider`: signed in, but belongs to no agency.
Plus `front_door` (role covering the whole local authority) and `dpo` (may view audit).
"""

import os
from typing import cast

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "0")

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguarding.access.models import AgencyKind, InvolvementBasis
from safeguarding.access.services import involvement_ensure
from safeguarding.people.models import Child
from tests.factories import AgencyFactory, ChildFactory, RoleFactory, UserFactory


@pytest.fixture
def school(db):  # type: ignore[no-untyped-def]
    return AgencyFactory(name="Riverside Primary School", kind=AgencyKind.SCHOOL)


@pytest.fixture
def gp(db):  # type: ignore[no-untyped-def]
    return AgencyFactory(name="Castle Street Surgery", kind=AgencyKind.GP_PRACTICE)


@pytest.fixture
def social_care(db):  # type: ignore[no-untyped-def]
    return AgencyFactory(name="Children's Social Care", kind=AgencyKind.LA_SOCIAL_CARE)


@pytest.fixture
def child(db, school):  # type: ignore[no-untyped-def]
    c = cast(Child, ChildFactory(display_name="Amelia Jones"))
    involvement_ensure(child=c, agency=school, basis=InvolvementBasis.ROLL)
    return c


@pytest.fixture
def entitled(db, school):  # type: ignore[no-untyped-def]
    return UserFactory(username="dsl", agency=school, role=RoleFactory(key="dsl", name="Designated safeguarding lead"))


@pytest.fixture
def other_agency(db, gp):  # type: ignore[no-untyped-def]
    return UserFactory(username="gp", agency=gp, role=RoleFactory(key="gp", name="GP"))


@pytest.fixture
def outsider(db):  # type: ignore[no-untyped-def]
    return UserFactory(username="outsider", agency=None, role=None)


@pytest.fixture
def front_door(db, social_care):  # type: ignore[no-untyped-def]
    role = RoleFactory(key="front-door", name="Front door social worker", covers_whole_la=True, is_social_worker=True)
    return UserFactory(username="frontdoor", agency=social_care, role=role)


@pytest.fixture
def dpo(db, social_care):  # type: ignore[no-untyped-def]
    role = RoleFactory(key="dpo", name="Data protection officer", may_view_audit=True, may_break_glass=False)
    return UserFactory(username="dpo", agency=social_care, role=role)


def verified_client(user) -> Client:  # type: ignore[no-untyped-def]
    """A client signed in with both factors, as the sign-in views would leave it."""
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="default", defaults={"confirmed": True})
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def as_user():  # type: ignore[no-untyped-def]
    return verified_client
