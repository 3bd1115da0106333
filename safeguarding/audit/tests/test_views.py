"""Know who looked: the audit pages, for data protection officers and managers only."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safeguarding.access.services import break_glass_open, child_for
from safeguarding.audit.models import Action, AuditEvent
from safeguarding.audit.services import audit_record
from tests.factories import ChildFactory, aware

pytestmark = pytest.mark.django_db


def _urls(child):
    return [
        reverse("audit:index"),
        reverse("audit:child", args=[child.pk]),
        reverse("audit:break-glass"),
        reverse("audit:chain"),
    ]


# --- who may see the audit -------------------------------------------------------------


@pytest.mark.parametrize("persona", ["entitled", "other_agency", "outsider", "front_door"])
def test_only_audit_viewers_may_open_the_audit_pages(request, as_user, child, persona):
    user = request.getfixturevalue(persona)
    client = as_user(user)
    for url in _urls(child):
        response = client.get(url)
        assert response.status_code == 403, url
    refused = AuditEvent.objects.filter(actor=user, action=Action.DENIED)
    assert refused.count() == 4
    assert all(e.detail["what"].startswith("audit") for e in refused)


def test_the_audit_pages_need_signing_in(client, child):
    for url in _urls(child):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("web:sign-in"))


def test_a_dpo_opens_every_audit_page_and_each_view_is_audited(as_user, dpo, child):
    client = as_user(dpo)
    for url in _urls(child):
        assert client.get(url).status_code == 200, url
    whats = list(AuditEvent.objects.filter(actor=dpo, action=Action.VIEW).values_list("detail__what", flat=True))
    assert sorted(whats) == sorted(
        [
            "audit: recent activity",
            "audit: who has looked at this record",
            "audit: emergency access report",
            "audit: check the audit trail",
        ]
    )
    # Reading a child's audit is recorded against the child: the DPO's own look is visible.
    assert AuditEvent.objects.get(actor=dpo, action=Action.VIEW, child=child)


def test_the_audit_of_a_child_who_does_not_exist_is_not_found(as_user, dpo):
    assert as_user(dpo).get(reverse("audit:child", args=[999999])).status_code == 404


# --- who has looked at this record -------------------------------------------------------


def test_who_has_looked_lists_every_event_about_the_child_newest_first(as_user, dpo, entitled, other_agency, child):
    with time_machine.travel(aware(2025, 3, 3, 9, 15), tick=False):
        child_for(entitled, child.pk, what="chronology")
    with time_machine.travel(aware(2025, 3, 4, 10, 0), tick=False):
        audit_record(
            actor=entitled,
            action=Action.AMEND,
            child=child,
            reason="Wrong date recorded",
            detail={"what_happened": {"old": "Bruise on arm", "new": "Bruise on left arm"}},
        )
    with time_machine.travel(aware(2025, 3, 5, 11, 30), tick=False):
        break_glass_open(user=other_agency, child_id=child.pk, reason="A&E attendance at night, child unwell")
    other_child = ChildFactory(display_name="Noah Smith")
    audit_record(actor=entitled, action=Action.VIEW, child=other_child, detail={"what": "record"})

    response = as_user(dpo).get(reverse("audit:child", args=[child.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Who has looked at this record" in html
    assert "Amelia Jones" in html
    # when, who, agency, what, why, details
    assert "3 Mar 2025, 09:15" in html
    assert "Riverside Primary School" in html and "Castle Street Surgery" in html
    assert "Page: chronology" in html and "Basis: agency involved with the child" in html
    assert "Wrong date recorded" in html
    assert "What happened changed from “Bruise on arm” to “Bruise on left arm”" in html
    assert "A&amp;E attendance at night, child unwell" in html
    assert '<strong class="govuk-tag govuk-tag--red">Emergency access</strong>' in html
    assert "Access until: 5 Mar 2025, 12:30" in html
    assert "Noah Smith" not in html
    rows = response.context["rows"]
    # The DPO's own view of this page is the newest event, then break-glass, amend, view.
    assert [r.event.action for r in rows] == [Action.VIEW, Action.BREAK_GLASS, Action.AMEND, Action.VIEW]
    assert rows[0].event.actor_id == dpo.pk


def test_the_summary_counts_distinct_practitioners_and_break_glass_in_30_days(
    as_user, dpo, entitled, other_agency, front_door, child
):
    with time_machine.travel(timezone.now() - timedelta(days=45)):
        child_for(front_door, child.pk)  # outside the period
        break_glass_open(user=other_agency, child_id=child.pk, reason="Old emergency, long ago")
    child_for(entitled, child.pk)
    child_for(entitled, child.pk)
    break_glass_open(user=other_agency, child_id=child.pk, reason="Police called to the home tonight")
    child_for(other_agency, child.pk)
    client = as_user(dpo)
    client.get(reverse("audit:child", args=[child.pk]))  # the DPO's own looks do not count
    summary = client.get(reverse("audit:child", args=[child.pk])).context["summary"]
    assert summary.practitioners_viewed == 2
    assert summary.break_glass_count == 1


@pytest.mark.parametrize(
    ("show", "expected"),
    [
        ("viewed", {Action.VIEW}),
        ("searched", {Action.SEARCH}),
        ("printed", {Action.PRINT, Action.EXPORT}),
        ("changed", {Action.CREATE, Action.AMEND}),
        ("break-glass", {Action.BREAK_GLASS}),
    ],
)
def test_who_has_looked_filters_by_kind_of_activity(as_user, dpo, entitled, child, show, expected):
    for action in (Action.VIEW, Action.SEARCH, Action.PRINT, Action.EXPORT, Action.CREATE, Action.AMEND):
        audit_record(actor=entitled, action=action, child=child)
    audit_record(actor=entitled, action=Action.BREAK_GLASS, child=child, reason="Emergency at school")
    response = as_user(dpo).get(reverse("audit:child", args=[child.pk]), {"show": show})
    actions = {r.event.action for r in response.context["rows"]}
    if show == "viewed":  # the DPO's own look at this page is a view too
        assert actions == expected
    else:
        assert actions == expected, actions


def test_an_unknown_filter_shows_everything(as_user, dpo, entitled, child):
    audit_record(actor=entitled, action=Action.AMEND, child=child)
    response = as_user(dpo).get(reverse("audit:child", args=[child.pk]), {"show": "nonsense"})
    assert response.status_code == 200
    assert len(response.context["rows"]) == 2


def test_who_has_looked_is_paginated_by_50_in_constant_queries(as_user, dpo, entitled, child):
    client = as_user(dpo)
    for _ in range(3):
        audit_record(actor=entitled, action=Action.VIEW, child=child, detail={"what": "record"})
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("audit:child", args=[child.pk]))
    for _ in range(70):
        audit_record(actor=entitled, action=Action.VIEW, child=child, detail={"what": "record"})
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("audit:child", args=[child.pk]))
    assert len(many) == len(few)
    assert len(response.context["rows"]) == 50
    html = response.content.decode()
    assert 'class="govuk-pagination' in html and "?page=2" in html
    second = client.get(reverse("audit:child", args=[child.pk]), {"page": 2})
    # 3 + 70 + the DPO's 3 looks = 76 events
    assert len(second.context["rows"]) == 26
    assert "Showing 51 to 76 of 76 events" in second.content.decode()


def test_who_has_looked_has_an_empty_state(as_user, dpo, child):
    response = as_user(dpo).get(reverse("audit:child", args=[child.pk]), {"show": "printed"})
    assert "No activity of this kind has been recorded." in response.content.decode()


# --- index: find a child and recent activity -----------------------------------------------


def test_a_dpo_finds_a_child_by_name_or_identifier(as_user, dpo, child):
    client = as_user(dpo)
    child.nhs_number = "9434765919"
    child.save(update_fields=["nhs_number"])
    link = reverse("audit:child", args=[child.pk])
    for q in ("Amelia Jones", child.la_child_id, "943 476 5919"):
        response = client.get(reverse("audit:index"), {"q": q})
        assert response.status_code == 200
        assert f'href="{link}"' in response.content.decode(), q
    searches = AuditEvent.objects.filter(actor=dpo, action=Action.SEARCH)
    assert searches.count() == 3
    assert searches.first().detail["what"] == "audit: find a child"


def test_searching_for_nothing_shows_a_govuk_error(as_user, dpo):
    response = as_user(dpo).get(reverse("audit:index"), {"q": ""})
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Enter the child&#x27;s name, NHS number or LA child ID" in html


def test_a_search_that_finds_no_one_says_so(as_user, dpo, child):
    response = as_user(dpo).get(reverse("audit:index"), {"q": "Zebedee Quartermaine"})
    assert "No child found" in response.content.decode()


def test_recent_activity_shows_the_newest_50_with_the_child_linked(as_user, dpo, entitled, child):
    for _ in range(55):
        audit_record(actor=entitled, action=Action.VIEW, child=child, detail={"what": "record"})
    response = as_user(dpo).get(reverse("audit:index"))
    page = response.context["page"]
    assert len(page.rows) == 50
    assert page.rows[0].pk > page.rows[-1].pk
    html = response.content.decode()
    assert f'href="{reverse("audit:child", args=[child.pk])}"' in html
    assert "Older" in html and f"before={page.older_before}" in html

    older = as_user(dpo).get(reverse("audit:index"), {"before": page.older_before})
    older_page = older.context["page"]
    assert len(older_page.rows) == 5  # 55 events; the DPO's first look is newer than all
    assert older_page.older_before is None
    newer = as_user(dpo).get(reverse("audit:index"), {"after": older_page.newer_after})
    assert newer.context["page"].rows[-1].pk == older_page.rows[0].pk + 1


def test_recent_activity_filters_by_action_practitioner_and_dates(as_user, dpo, entitled, other_agency, child):
    with time_machine.travel(aware(2025, 1, 10, 12, 0), tick=False):
        old = audit_record(actor=entitled, action=Action.VIEW, child=child)
    with time_machine.travel(aware(2025, 2, 10, 12, 0), tick=False):
        wanted = audit_record(actor=entitled, action=Action.VIEW, child=child)
        audit_record(actor=entitled, action=Action.PRINT, child=child)
        audit_record(actor=other_agency, action=Action.VIEW, child=child)
    client = as_user(dpo)
    params = {
        "action": "view",
        "practitioner": "DSL",
        "from_day": "1",
        "from_month": "2",
        "from_year": "2025",
        "to_day": "28",
        "to_month": "2",
        "to_year": "2025",
    }
    response = client.get(reverse("audit:index"), params)
    assert [e.pk for e in response.context["page"].rows] == [wanted.pk]
    assert old.pk not in [e.pk for e in response.context["page"].rows]
    assert 'value="2025"' in response.content.decode()  # the filter keeps what was typed


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from_day": "31", "from_month": "2", "from_year": "2025"}, "Date from must be a real date"),
        ({"from_day": "1", "from_month": "", "from_year": "2025"}, "Date from must include a month"),
        ({"to_day": "1", "to_month": "2", "to_year": "25"}, "Year in date to must include 4 numbers"),
        (
            {
                "from_day": "2",
                "from_month": "2",
                "from_year": "2025",
                "to_day": "1",
                "to_month": "2",
                "to_year": "2025",
            },
            "Date to must be the same as or after date from",
        ),
    ],
)
def test_recent_activity_date_errors_are_govuk_errors(as_user, dpo, params, message):
    response = as_user(dpo).get(reverse("audit:index"), params)
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert message in html
    assert "govuk-form-group--error" in html
    assert response.context["page"] is None


def test_recent_activity_runs_in_constant_queries(as_user, dpo, entitled, child):
    client = as_user(dpo)
    for _ in range(3):
        audit_record(actor=entitled, action=Action.VIEW, child=ChildFactory())
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("audit:index"))
    for _ in range(60):
        audit_record(actor=entitled, action=Action.VIEW, child=ChildFactory())
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("audit:index"))
    assert len(many) == len(few)


# --- emergency access report ----------------------------------------------------------------


def test_the_break_glass_report_lists_every_emergency_access_with_its_use(
    as_user, dpo, other_agency, front_door, child, django_assert_max_num_queries
):
    with time_machine.travel(timezone.now() - timedelta(days=2)):
        earlier = break_glass_open(user=other_agency, child_id=child.pk, reason="Earlier emergency in the night")
    grant = break_glass_open(user=other_agency, child_id=child.pk, reason="Child brought to surgery injured")
    child_for(other_agency, child.pk)
    child_for(other_agency, child.pk)
    child_for(front_door, child.pk)  # someone else's view is not this access's use
    client = as_user(dpo)
    response = client.get(reverse("audit:break-glass"))
    html = response.content.decode()
    grants = list(response.context["page"].object_list)
    assert [g.pk for g in grants] == [grant.pk, earlier.pk]
    assert grants[0].views_during == 2
    assert grants[1].views_during == 0
    event = AuditEvent.objects.get(action=Action.BREAK_GLASS, object_id=str(grant.pk))
    assert grants[0].audit_event_id == event.pk
    assert "Child brought to surgery injured" in html
    assert "Amelia Jones" in html and f'href="{reverse("audit:child", args=[child.pk])}"' in html
    assert "Castle Street Surgery" in html and "(gp)" in html
    assert html.count("Still open") == 1  # the earlier access has ended

    for _ in range(10):
        break_glass_open(user=other_agency, child_id=ChildFactory().pk, reason="Another emergency access")
    with django_assert_max_num_queries(16):  # 16: with the navigation's unread notifications count
        client.get(reverse("audit:break-glass"))


def test_the_break_glass_report_has_an_empty_state(as_user, dpo):
    assert "No one has used emergency access." in as_user(dpo).get(reverse("audit:break-glass")).content.decode()


# --- chain ----------------------------------------------------------------------------------


def test_the_chain_page_says_the_trail_is_intact(as_user, dpo, entitled, child):
    for _ in range(3):
        audit_record(actor=entitled, action=Action.VIEW, child=child)
    response = as_user(dpo).get(reverse("audit:chain"))
    html = response.content.decode()
    assert "The audit trail is intact" in html
    assert response.context["checked"] == 3


def test_the_chain_page_shows_the_first_broken_link(as_user, dpo, entitled, child):
    from safeguarding.audit.tests.test_chain import _drop_triggers

    events = [audit_record(actor=entitled, action=Action.VIEW, child=child) for _ in range(3)]
    _drop_triggers()
    AuditEvent.objects.filter(pk=events[1].pk).update(reason="covering tracks")
    response = as_user(dpo).get(reverse("audit:chain"))
    html = response.content.decode()
    assert "The audit trail has been tampered with" in html
    assert f"event #{events[1].pk}" in html
    assert "its contents do not match its hash" in html
