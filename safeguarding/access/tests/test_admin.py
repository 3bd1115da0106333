"""The Django admin holds reference data only, for administrators signed in with both factors."""

import pytest
from django.contrib import admin
from django.urls import reverse

from safeguarding.access.models import Agency, Role, Team, User
from safeguarding.audit.models import Action, AuditEvent
from safeguarding.concerns.models import (
    AgencyEvent,
    ChildSignal,
    ChronologyEntry,
    Concern,
    ConcernAmendment,
    SignalRule,
)
from safeguarding.people.models import Child, ChildAddress, ChildName, Person, Relationship
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

REFERENCE_DATA = ["access_agency", "access_team", "access_role", "access_user", "concerns_signalrule"]


@pytest.fixture
def superuser(db, social_care):
    return UserFactory(username="admin", agency=social_care, role=None, is_staff=True, is_superuser=True)


@pytest.fixture
def reference_rows(school):
    Team.objects.create(agency=school, name="Pastoral team")
    SignalRule.objects.create(key="repeat-injuries", params={"count": 3, "days": 90})


@pytest.mark.parametrize("model", [*REFERENCE_DATA, "audit_auditevent"])
def test_a_superuser_opens_each_changelist_and_add_page(as_user, superuser, reference_rows, entitled, model):
    client = as_user(superuser)
    response = client.get(reverse(f"admin:{model}_changelist"))
    assert response.status_code == 200
    if model != "audit_auditevent":
        assert client.get(reverse(f"admin:{model}_add")).status_code == 200


@pytest.mark.parametrize("model", [Agency, Team, Role, User, SignalRule])
def test_reference_data_is_registered(model):
    assert admin.site.is_registered(model)


@pytest.mark.parametrize(
    "model",
    [
        Child,
        ChildName,
        ChildAddress,
        Person,
        Relationship,
        Concern,
        ConcernAmendment,
        AgencyEvent,
        ChronologyEntry,
        ChildSignal,
    ],
)
def test_records_about_children_are_not_in_the_admin(as_user, superuser, model):
    assert not admin.site.is_registered(model)
    url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    assert as_user(superuser).get(url).status_code == 404


def test_the_admin_index_lists_no_children_or_concerns(as_user, superuser):
    html = as_user(superuser).get(reverse("admin:index")).content.decode()
    assert "Roles" in html and "Signal rules" in html
    assert "/admin/people/" not in html
    assert "/admin/concerns/concern/" not in html and "/admin/concerns/chronologyentry/" not in html


def test_the_audit_is_read_only_even_for_a_superuser(as_user, superuser, entitled, child):
    from safeguarding.audit.services import audit_record

    event = audit_record(actor=entitled, action=Action.VIEW, child=child)
    client = as_user(superuser)
    assert client.get(reverse("admin:audit_auditevent_change", args=[event.pk])).status_code == 200
    assert client.get(reverse("admin:audit_auditevent_delete", args=[event.pk])).status_code == 403
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
    response = client.post(reverse("admin:audit_auditevent_change", args=[event.pk]), {"reason": "tampered"})
    assert response.status_code == 403


def test_staff_who_are_not_superusers_do_not_see_the_audit(as_user, social_care):
    staff = UserFactory(username="helpdesk", agency=social_care, is_staff=True)
    assert as_user(staff).get(reverse("admin:audit_auditevent_changelist")).status_code == 403


@pytest.mark.parametrize("persona", ["entitled", "other_agency", "outsider", "dpo"])
def test_practitioners_cannot_use_the_admin(request, as_user, persona):
    client = as_user(request.getfixturevalue(persona))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    # the admin's own sign-in page sends them back: signed in but not staff, refused
    assert client.get(response["Location"]).status_code == 403


def test_the_admin_has_no_password_only_sign_in(client, superuser):
    assert client.get(reverse("admin:index"))["Location"] == f"{reverse('web:sign-in')}?next=/admin/"
    response = client.get(reverse("admin:login"), {"next": "/admin/access/role/"})
    assert response["Location"] == f"{reverse('web:sign-in')}?next=/admin/access/role/"
    response = client.post(reverse("admin:login"), {"username": "admin", "password": "correct horse battery staple"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("web:sign-in"))
    assert "_auth_user_id" not in client.session


def test_an_unverified_administrator_is_sent_for_the_security_code(client, superuser):
    client.force_login(superuser)
    assert client.get(reverse("admin:index"))["Location"] == reverse("web:sign-in-otp")
    assert client.get(reverse("admin:login"))["Location"] == reverse("web:sign-in-otp")


def test_changing_a_role_in_the_admin_is_audited_with_old_and_new_values(as_user, superuser):
    role = Role.objects.create(key="manager", name="Team manager")
    response = as_user(superuser).post(
        reverse("admin:access_role_change", args=[role.pk]),
        {"name": "Team manager", "key": "manager", "may_view_audit": "on", "may_break_glass": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    role.refresh_from_db()
    assert role.may_view_audit
    event = AuditEvent.objects.get(action=Action.AMEND, object_type="access.role", object_id=str(role.pk))
    assert event.actor == superuser
    assert event.detail == {"may_view_audit": {"old": False, "new": True}}


def test_adding_a_practitioner_in_the_admin_is_audited_without_the_password(as_user, superuser, school):
    password = "a long unguessable passphrase 42"
    response = as_user(superuser).post(
        reverse("admin:access_user_add"),
        {
            "username": "newdsl",
            "password1": password,
            "password2": password,
            "usable_password": "true",
            "first_name": "Priya",
            "last_name": "Shah",
            "email": "newdsl@example.org",
            "agency": school.pk,
            "job_title": "Deputy DSL",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="newdsl")
    assert user.agency == school and user.password.startswith("argon2")
    event = AuditEvent.objects.get(action=Action.CREATE, object_type="access.user", object_id=str(user.pk))
    assert password not in str(event.detail)
    assert not any("password" in field for field in event.detail["fields"])
