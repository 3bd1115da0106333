"""The "Check a child's status" page, "Notifications", the count in the navigation and "who
checked" on the child's record, with every persona: a school DSL whose school has the child on
its roll (`entitled`), a GP with no relationship (`other_agency`), a user of no agency
(`outsider`), the front door (`front_door`, whole local authority) and the data protection
officer (`dpo`)."""

import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from safeguarding.access.models import AgencyKind, InvolvementBasis
from safeguarding.access.services import involvement_ensure
from safeguarding.audit.models import Action, AuditEvent
from safeguarding.pathway.tests.factories import EpisodeFactory
from safeguarding.people.models import ChildStatus, StatusPeriod
from safeguarding.sharing.flags import flag_lookup
from safeguarding.sharing.models import FlagLookup, LookupChannel, Notification
from safeguarding.sharing.tests.flag_helpers import (
    NHS,
    NOON,
    OTHER_NHS,
    PURPOSE,
    UPN,
    practitioner,
    put_on_plan,
    social_worker,
    with_nhs,
)
from tests.factories import ChildFactory, UserFactory

FLAGS = reverse("sharing:flags")
NOTIFICATIONS = reverse("sharing:notifications")
READ_ALL = reverse("sharing:notifications-read-all")


@pytest.fixture(autouse=True)
def frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


@pytest.fixture
def sw(social_care):  # type: ignore[no-untyped-def]
    return social_worker(social_care)


@pytest.fixture
def on_plan(child, entitled, sw):  # type: ignore[no-untyped-def]
    with_nhs(child)
    put_on_plan(child, referrer=entitled, lead=sw)
    return child


def check(client, identifier=NHS, purpose=PURPOSE):  # type: ignore[no-untyped-def]
    return client.post(FLAGS, {"identifier": identifier, "purpose": purpose})


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    return re.sub(r"\s+", " ", response.content.decode())


# --- Check a child's status --------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["entitled", "other_agency", "front_door", "dpo"])
def test_the_form_is_offered_to_those_who_may_check(persona, request, as_user):
    user = request.getfixturevalue(persona)
    response = as_user(user).get(FLAGS)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Check a child\'s status</h1>' in html
    assert 'name="identifier"' in html and 'name="purpose"' in html
    assert "no-store" in response["Cache-Control"]
    # The navigation offers it, and the home page.
    assert f'href="{FLAGS}">Check a status</a>' in html
    assert "Check a child's status: on a plan" in as_user(user).get(reverse("web:home")).content.decode()


def test_an_outsider_is_refused_and_not_offered_it(outsider, as_user):
    client = as_user(outsider)
    response = client.get(FLAGS)
    assert response.status_code == 403
    assert "You cannot check a child's status" in response.content.decode()
    assert settings.FRONT_DOOR_CONTACT.replace("'", "&#x27;") in response.content.decode()
    assert "Check a status</a>" not in client.get(reverse("web:home")).content.decode()


def test_an_agency_that_may_not_check_is_refused_and_its_attempt_audited(on_plan, as_user):
    housing = practitioner(AgencyKind.HOUSING, "housing")
    response = check(as_user(housing))
    assert response.status_code == 403
    denied = AuditEvent.objects.get(action=Action.DENIED, actor=housing)
    assert denied.detail == {"what": "status flag", "channel": "web", "identifier": NHS}
    assert not FlagLookup.objects.exists()
    assert "Amelia" not in response.content.decode()


def test_an_outsiders_attempt_is_refused_and_audited(on_plan, outsider, as_user):
    assert check(as_user(outsider)).status_code == 403
    assert AuditEvent.objects.filter(action=Action.DENIED, actor=outsider).count() == 1


def test_signed_out_the_page_asks_to_sign_in(client):
    response = client.get(FLAGS)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL))


def test_a_gp_checks_a_child_on_a_plan_and_sees_since_when_who_leads_and_out_of_hours(
    on_plan, other_agency, sw, as_user
):
    response = check(as_user(other_agency), identifier="943 476 5919")
    assert response.status_code == 200
    html = text_of(response)
    assert "<title>Status found: check a child's status" in html
    assert '<h1 class="govuk-heading-l">Amelia Jones</h1>' in html
    assert 'NHS number</dt> <dd class="govuk-summary-list__value">943 476 5919</dd>' in html
    assert 'Child protection plan</dt> <dd class="govuk-summary-list__value">Since 7 March 2025</dd>' in html
    assert "Lead practitioner</dt>" in html and "Sam Okafor" in html
    assert "Child protection social worker" in html
    assert "01632 960123" in html and "mailto:sam.okafor@example.org" in html
    assert settings.OUT_OF_HOURS_CONTACT in html
    assert "call 999" in html
    # No category of abuse, and no way into a record the GP has no relationship with.
    assert "hysical" not in html and "PHY" not in html
    assert "Open the child's record" not in html
    lookup = FlagLookup.objects.get()
    assert (lookup.looked_by, lookup.channel, lookup.answer["purpose"]) == (other_agency, "web", PURPOSE)
    assert Notification.objects.get().recipient == sw


def test_those_who_may_open_the_record_are_offered_it(on_plan, entitled, front_door, as_user):
    record = reverse("people:record", args=[on_plan.pk])
    for user in (entitled, front_door):
        html = check(as_user(user)).content.decode()
        assert f'href="{record}">Open the child\'s record</a>' in html
    assert not Notification.objects.exists()  # a school and social care are not unscheduled care


def test_a_check_by_upn_is_answered_with_the_upn(child, entitled, as_user):
    child.upn = UPN
    child.save(update_fields=["upn"])
    StatusPeriod.objects.create(child=child, status=ChildStatus.EARLY_HELP, started_on=dt.date(2025, 1, 6))
    html = text_of(check(as_user(entitled), identifier="t801201001012"))
    assert 'UPN</dt> <dd class="govuk-summary-list__value">T801201001012</dd>' in html
    assert "Early help</dt>" in html
    # Early help with no lead on the platform: the front door is the contact, not a "lead".
    assert "No lead practitioner: contact</dt>" in html and "Children&#x27;s front door" in html


def test_a_child_with_no_status_is_not_said_to_be_unknown(child, other_agency, as_user):
    with_nhs(child)
    html = text_of(check(as_user(other_agency)))
    assert "<title>No status recorded" in html
    assert 'id="no-status"' in html
    assert "It does not mean that children's services do not know the child" in html
    assert 'id="lead"' not in html
    assert settings.OUT_OF_HOURS_CONTACT in html


def test_a_number_no_child_has_says_so_and_is_audited(child, other_agency, as_user):
    html = text_of(check(as_user(other_agency), identifier=OTHER_NHS))
    assert "No child with this NHS number is in the index" in html
    assert "You checked NHS number 485 777 3457" in html
    assert AuditEvent.objects.filter(action=Action.SEARCH, actor=other_agency).count() == 1


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("943 476 5918", "Enter a valid NHS number: check each number, like 943 476 5919"),
        ("943 476", "NHS number must be 10 numbers, like 943 476 5919"),
        ("", "Enter the child&#x27;s NHS number or UPN"),
        ("x" * 41, "NHS number or UPN must be 40 characters or less"),
    ],
)
def test_an_invalid_identifier_shows_the_govuk_error_and_keeps_what_was_typed(
    on_plan, other_agency, as_user, typed, message
):
    response = check(as_user(other_agency), identifier=typed)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: Check a child's status" in html
    assert f'<li><a href="#id_identifier">{message}</a></li>' in html  # the error summary
    assert f'<span class="govuk-visually-hidden">Error:</span> {message}</p>' in html
    if typed:
        assert f'value="{typed}"' in html
    assert f"{PURPOSE.replace('&', '&amp;')}</textarea>" in html
    assert not FlagLookup.objects.exists()
    assert not AuditEvent.objects.filter(actor=other_agency, detail__what="status flag").exists()


def test_why_they_are_checking_is_required(on_plan, other_agency, as_user):
    html = check(as_user(other_agency), purpose="   ").content.decode()
    assert '<a href="#id_purpose">Enter why you are checking this child&#x27;s status</a>' in html
    assert f'value="{NHS}"' in html
    assert not FlagLookup.objects.exists()


def test_the_dpo_finds_the_gps_check_in_the_audit_of_the_childs_record(on_plan, other_agency, dpo, as_user):
    check(as_user(other_agency))
    response = as_user(dpo).get(reverse("audit:child", args=[on_plan.pk]))
    assert response.status_code == 200
    html = text_of(response)
    assert "Page: status flag" in html
    assert "Castle Street Surgery" in html


# --- Who checked, on the child's record --------------------------------------------------------


def test_the_front_door_sees_on_the_record_who_checked(on_plan, other_agency, front_door, as_user):
    check(as_user(other_agency))
    html = text_of(as_user(front_door).get(reverse("people:record", args=[on_plan.pk])))
    assert '<h2 class="govuk-heading-m" id="who-looked-heading">Who checked this child\'s status</h2>' in html
    lookup = FlagLookup.objects.get()
    assert "10 March 2025, 12:00" in html
    row = html.split('id="who-looked"')[1].split("</section>")[0]
    assert escape(other_agency.display_name) in row
    assert "Castle Street Surgery" in row and "Web page" in row
    assert PURPOSE.replace("&", "&amp;") in row
    assert lookup.looked_by == other_agency


def test_a_lead_of_another_agency_sees_who_checked_and_an_agency_that_only_holds_the_child_does_not(
    child, entitled, gp, as_user
):
    StatusPeriod.objects.create(child=child, status=ChildStatus.EARLY_HELP, started_on=dt.date(2025, 1, 6))
    record = reverse("people:record", args=[child.pk])
    involvement_ensure(child=child, agency=gp, basis=InvolvementBasis.REGISTERED)
    doctor = UserFactory(username="drlee", agency=gp)
    before = as_user(entitled).get(record).content.decode()
    assert 'id="who-looked"' not in before
    assert 'id="who-looked"' not in as_user(doctor).get(record).content.decode()
    EpisodeFactory(child=child, started_on=dt.date(2025, 1, 6), lead_practitioner=entitled)
    html = as_user(entitled).get(record).content.decode()
    assert 'id="no-lookups"' in html  # the panel, with no one yet


# --- Notifications -----------------------------------------------------------------------------


def test_the_lead_sees_the_gps_check_in_notifications_and_the_count_in_the_navigation(
    on_plan, other_agency, sw, as_user
):
    check(as_user(other_agency))
    notification = Notification.objects.get()
    client = as_user(sw)
    home = client.get(reverse("web:home")).content.decode()
    assert re.search(
        r'id="nav-notifications">Notifications <strong class="govuk-tag govuk-tag--red">1'
        r'<span class="govuk-visually-hidden"> unread</span></strong>',
        home,
    )
    response = client.get(NOTIFICATIONS)
    assert response.status_code == 200
    html = text_of(response)
    assert "Castle Street Surgery looked up Amelia Jones&#x27;s status on 10 March 2025" in html
    assert f'id="notification-{notification.pk}"' in html and "Unread" in html
    assert f'href="{reverse("people:record", args=[on_plan.pk])}#who-looked"' in html
    event = AuditEvent.objects.filter(actor=sw, action=Action.VIEW, detail__what="notifications list").get()
    assert event.detail["notifications"] == [notification.pk]


def test_no_one_sees_anothers_notifications(on_plan, other_agency, front_door, outsider, as_user):
    check(as_user(other_agency))
    for user in (front_door, outsider):
        html = as_user(user).get(NOTIFICATIONS).content.decode()
        assert 'id="no-notifications"' in html
        assert "Castle Street Surgery looked up" not in html
        assert "govuk-tag--red" not in html


def test_the_lead_marks_a_notification_read(on_plan, other_agency, sw, as_user):
    check(as_user(other_agency))
    notification = Notification.objects.get()
    client = as_user(sw)
    response = client.post(reverse("sharing:notification-read", args=[notification.pk]))
    assert response.status_code == 302 and response["Location"] == NOTIFICATIONS
    notification.refresh_from_db()
    assert notification.read_at == NOON
    assert AuditEvent.objects.filter(actor=sw, action=Action.AMEND, object_id=str(notification.pk)).exists()
    html = client.get(NOTIFICATIONS).content.decode()
    assert "govuk-tag--red" not in html  # the count is gone from the navigation
    assert "Mark all as read" not in html
    assert ">Read</span>" in html


def test_anothers_notification_cannot_be_marked_read(on_plan, other_agency, front_door, as_user):
    check(as_user(other_agency))
    notification = Notification.objects.get()
    assert as_user(front_door).post(reverse("sharing:notification-read", args=[notification.pk])).status_code == 404
    assert as_user(other_agency).post(reverse("sharing:notification-read", args=[notification.pk])).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_marking_read_is_a_post(on_plan, sw, as_user):
    notification = Notification.objects.create(recipient=sw, kind="flag_lookup", text="Something")
    assert as_user(sw).get(reverse("sharing:notification-read", args=[notification.pk])).status_code == 405
    assert as_user(sw).get(READ_ALL).status_code == 405


def test_mark_all_as_read_marks_only_ones_own_and_says_how_many(on_plan, sw, front_door, as_user):
    for n in range(2):
        Notification.objects.create(recipient=sw, child=on_plan, kind="flag_lookup", text=f"Mine {n}")
    theirs = Notification.objects.create(recipient=front_door, child=on_plan, kind="flag_lookup", text="Theirs")
    client = as_user(sw)
    response = client.post(READ_ALL, follow=True)
    assert response.redirect_chain == [(NOTIFICATIONS, 302)]
    assert "2 notifications marked as read" in response.content.decode()
    assert not Notification.objects.filter(recipient=sw, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_list_is_paged_and_marking_read_returns_to_the_page(sw, as_user):
    rows = [
        Notification.objects.create(
            recipient=sw, kind="flag_lookup", text=f"Notice {n}", created_at=NOON - dt.timedelta(minutes=n)
        )
        for n in range(55)
    ]
    client = as_user(sw)
    first = client.get(NOTIFICATIONS).content.decode()
    assert "Notice 0<" in first and "Notice 49<" in first and "Notice 50<" not in first
    second = client.get(NOTIFICATIONS + "?page=2").content.decode()
    assert "Notice 50<" in second and "Notice 54<" in second
    response = client.post(reverse("sharing:notification-read", args=[rows[52].pk]), {"page": "2"})
    assert response["Location"] == NOTIFICATIONS + "?page=2"
    response = client.post(reverse("sharing:notification-read", args=[rows[1].pk]), {"page": "1"})
    assert response["Location"] == NOTIFICATIONS


def test_the_list_costs_the_same_queries_for_one_notification_or_fifty(on_plan, sw, as_user):
    client = as_user(sw)
    Notification.objects.create(recipient=sw, child=on_plan, kind="flag_lookup", text="First")
    client.get(NOTIFICATIONS)  # warm the session
    with CaptureQueriesContext(connection) as one:
        assert client.get(NOTIFICATIONS).status_code == 200
    for n in range(49):
        Notification.objects.create(recipient=sw, child=on_plan, kind="flag_lookup", text=f"More {n}")
    with CaptureQueriesContext(connection) as fifty:
        assert client.get(NOTIFICATIONS).status_code == 200
    assert len(fifty) == len(one)


def test_the_navigation_count_is_one_query_and_none_when_nothing_is_unread(sw, front_door, as_user):
    Notification.objects.create(recipient=sw, kind="flag_lookup", text="One")
    Notification.objects.create(recipient=sw, kind="flag_lookup", text="Two")
    Notification.objects.create(recipient=front_door, kind="flag_lookup", text="Not Sam's")
    client = as_user(sw)
    client.get(reverse("web:home"))
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("web:home")).content.decode()
    assert 'govuk-tag--red">2<span class="govuk-visually-hidden"> unread</span>' in html
    counts = [q["sql"] for q in queries if "sharing_notification" in q["sql"]]
    assert len(counts) == 1 and "COUNT" in counts[0].upper()
    Notification.objects.filter(recipient=sw).update(read_at=NOON)
    assert "govuk-tag--red" not in client.get(reverse("web:home")).content.decode()


def test_a_lookup_through_the_api_channel_is_shown_as_such(on_plan, other_agency, front_door, as_user):
    flag_lookup(identifier=NHS, by=other_agency, channel=LookupChannel.FHIR, purpose="")
    html = text_of(as_user(front_door).get(reverse("people:record", args=[on_plan.pk])))
    row = html.split('id="who-looked"')[1].split("</section>")[0]
    assert "Agency API (FHIR)" in row and "Not given" in row


def test_another_child_with_the_same_status_is_not_in_this_childs_who_looked(
    on_plan, other_agency, front_door, as_user
):
    other = with_nhs(ChildFactory(display_name="Lily Jones"), OTHER_NHS)
    StatusPeriod.objects.create(child=other, status=ChildStatus.LOOKED_AFTER, started_on=dt.date(2024, 6, 3))
    check(as_user(other_agency), identifier=OTHER_NHS)
    html = as_user(front_door).get(reverse("people:record", args=[on_plan.pk])).content.decode()
    assert 'id="no-lookups"' in html
