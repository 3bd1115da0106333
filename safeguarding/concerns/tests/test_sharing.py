"""Sharing one chronology entry with another agency.

The rules, in plain words:
- The agency that recorded an entry may share it; so may the child's team and the front
  door and social care (who see the whole chronology). Emergency (break-glass) access is
  to read, not to share. A practitioner who was sent an entry may not pass it on.
- It goes to another agency: not the one that recorded it, not one it is already shared
  with. A reason and a lawful basis are required, and the share is audited with them.
- The receiving agency can then open the child's record (it becomes involved, basis
  "caseload") and sees exactly the entries shared with it.

Personas: the school DSL with the child on roll (entitled), a GP with no relationship
(other_agency), a signed-in user of no agency (outsider).
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safeguarding.access.models import AgencyKind, ChildInvolvement, InvolvementBasis
from safeguarding.access.permissions import Basis
from safeguarding.access.services import break_glass_open, involvement_ensure, team_member_add
from safeguarding.audit.models import Action, AuditEvent
from safeguarding.concerns.models import ChronologyEntry, ChronologyShare
from safeguarding.concerns.selectors import chronology_for
from safeguarding.concerns.sharing import LawfulBasis, entry_share
from safeguarding.concerns.tests.recording_helpers import record_concern
from safeguarding.people.tests.helpers import police, police_incident, police_officer  # noqa: F401
from tests.factories import AgencyFactory, ChildFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db

REASON = "Amelia told us she has not been to the GP about her arm; the practice should know."


def entry_of(concern) -> ChronologyEntry:
    return ChronologyEntry.objects.get(source_type="concerns.concern", source_id=concern.pk)


def share_url(entry: ChronologyEntry) -> str:
    return reverse("concerns:share-entry", args=[entry.child_id, entry.pk])


def record_url(child) -> str:
    return reverse("people:record", args=[child.pk])


def post(agency, reason=REASON, lawful_basis="public_task"):
    return {"agency": str(agency.pk), "reason": reason, "lawful_basis": lawful_basis}


@pytest.fixture
def school_entry(child, entitled):
    return entry_of(record_concern(child, entitled, what_happened="Finger-shaped bruises on her upper arm at PE"))


@pytest.fixture
def other_school_entry(child, entitled):
    return entry_of(record_concern(child, entitled, what_happened="Came to school hungry, no coat"))


@pytest.fixture
def gp_doctor(gp):
    return UserFactory(username="gp2", first_name="Grace", last_name="Patel", agency=gp, role=RoleFactory(key="gp"))


# --- Who may open the share page --------------------------------------------------------------


class TestWhoMayShare:
    def test_entitled_dsl_sees_what_will_be_shared_and_the_warning(self, as_user, entitled, child, school_entry, gp):
        response = as_user(entitled).get(share_url(school_entry))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Share this entry with another agency" in html
        assert "Finger-shaped bruises on her upper arm at PE" in html
        assert "Share only what is necessary and proportionate" in html
        assert "necessary, proportionate, relevant, adequate, accurate, timely and secure" in html
        assert f'<option value="{gp.pk}">Castle Street Surgery (GP practice)</option>' in html
        event = AuditEvent.objects.filter(actor=entitled, child=child).latest("id")
        assert (event.action, event.detail) == (Action.VIEW, {"what": "share entry form", "basis": "agency"})

    def test_the_entrys_own_agency_is_not_offered(self, as_user, entitled, school, school_entry):
        html = as_user(entitled).get(share_url(school_entry)).content.decode()
        assert f'<option value="{school.pk}"' not in html

    def test_gp_without_relationship_is_refused_and_sees_nothing(self, as_user, other_agency, child, school_entry):
        response = as_user(other_agency).get(share_url(school_entry))
        assert response.status_code == 403
        html = response.content.decode()
        assert "You do not have a working relationship with this child" in html
        assert "Finger-shaped bruises" not in html and "Amelia" not in html
        assert AuditEvent.objects.filter(actor=other_agency, child=child, action=Action.DENIED).exists()

    def test_gp_without_relationship_cannot_post_a_share(self, as_user, other_agency, school_entry, gp):
        response = as_user(other_agency).post(share_url(school_entry), post(gp))
        assert response.status_code == 403
        assert not ChronologyShare.objects.exists()

    def test_outsider_is_refused(self, as_user, outsider, school_entry, gp):
        client = as_user(outsider)
        assert client.get(share_url(school_entry)).status_code == 403
        assert client.post(share_url(school_entry), post(gp)).status_code == 403
        assert not ChronologyShare.objects.exists()

    def test_break_glass_reads_but_may_not_share(self, as_user, other_agency, child, school_entry, social_care):
        break_glass_open(user=other_agency, child_id=child.pk, reason="Child in A&E with unexplained injuries")
        client = as_user(other_agency)
        assert client.get(record_url(child)).status_code == 200  # may read
        response = client.get(share_url(school_entry))
        assert response.status_code == 403
        assert "Emergency access lets you read this child&#x27;s record, not share it" in response.content.decode()
        assert client.post(share_url(school_entry), post(social_care)).status_code == 403
        assert not ChronologyShare.objects.exists()
        denied = AuditEvent.objects.filter(actor=other_agency, action=Action.DENIED).latest("id")
        assert denied.detail == {"what": "share entry", "entry": school_entry.pk, "basis": "break_glass"}

    def test_front_door_may_share_any_entry(self, as_user, front_door, school_entry, gp):
        response = as_user(front_door).post(share_url(school_entry), post(gp))
        assert response.status_code == 302
        assert ChronologyShare.objects.get().shared_by == front_door

    def test_childs_team_member_may_share_another_agencys_entry(self, child, school_entry, gp, police):  # noqa: F811
        worker = UserFactory(
            username="hv", agency=AgencyFactory(name="Health visiting", kind=AgencyKind.HEALTH_VISITING)
        )
        team_member_add(child=child, practitioner=worker, capacity="Core group member", by=None)
        share = entry_share(entry=school_entry, agency=gp, reason=REASON, by=worker)
        assert share.agency == gp

    def test_a_practitioner_sent_an_entry_may_not_pass_it_on(
        self,
        as_user,
        entitled,
        other_agency,
        school_entry,
        gp,
        police,  # noqa: F811
    ):
        entry_share(entry=school_entry, agency=gp, reason=REASON, by=entitled)
        client = as_user(other_agency)
        response = client.get(share_url(school_entry))
        assert response.status_code == 403
        assert "Only the agency that recorded an entry" in response.content.decode()
        assert client.post(share_url(school_entry), post(police)).status_code == 403
        with pytest.raises(ValidationError):
            entry_share(entry=school_entry, agency=police, reason=REASON, by=other_agency)
        assert ChronologyShare.objects.count() == 1

    def test_an_entry_the_user_cannot_see_is_not_found(
        self,
        as_user,
        entitled,
        child,
        gp,
        police,  # noqa: F811
    ):
        incident = police_incident(child, police)
        assert as_user(entitled).get(share_url(incident)).status_code == 404

    def test_an_entry_of_another_child_is_not_found(self, as_user, entitled, child, school_entry, school):

        other = ChildFactory(display_name="Ben Smith")
        involvement_ensure(child=other, agency=school, basis=InvolvementBasis.ROLL)
        url = reverse("concerns:share-entry", args=[other.pk, school_entry.pk])
        assert as_user(entitled).get(url).status_code == 404


# --- Sharing ----------------------------------------------------------------------------------


class TestSharing:
    def test_dsl_shares_with_the_gp_and_sees_the_confirmation(self, as_user, entitled, child, school_entry, gp):
        gp.phone = "01632 960123"
        gp.save(update_fields=["phone"])
        client = as_user(entitled)
        response = client.post(share_url(school_entry), post(gp))
        assert response.status_code == 302
        assert response["Location"] == f"{share_url(school_entry)}?shared_with={gp.pk}"
        share = ChronologyShare.objects.get()
        assert (share.entry, share.agency, share.shared_by, share.reason) == (school_entry, gp, entitled, REASON)

        html = client.get(response["Location"]).content.decode()
        assert "Entry shared with Castle Street Surgery" in html
        assert "Castle Street Surgery will be able to open this child's record and see the entries shared" in html
        assert "01632 960123" in html
        assert REASON.replace("'", "&#x27;") in html

    def test_the_share_and_its_reason_are_audited_in_one_row(self, as_user, entitled, child, school_entry, gp):
        as_user(entitled).post(share_url(school_entry), post(gp, lawful_basis="vital_interests"))
        share = ChronologyShare.objects.get()
        assert share.lawful_basis == "vital_interests"
        event = AuditEvent.objects.get(action=Action.CREATE, object_type="concerns.chronologyshare")
        assert event.actor == entitled
        assert event.child == child
        assert event.object_id == str(share.pk)
        assert event.reason == REASON
        assert event.detail["shared_with"] == "Castle Street Surgery"
        assert event.detail["entry"] == school_entry.pk
        assert event.detail["lawful_basis"] == "vital_interests"
        assert event.detail["involvement"] == "caseload involvement created"

    def test_the_receiving_agency_becomes_involved_on_the_caseload(self, entitled, child, school_entry, gp):
        entry_share(entry=school_entry, agency=gp, reason=REASON, by=entitled)
        involvement = ChildInvolvement.objects.get(child=child, agency=gp)
        assert involvement.basis == InvolvementBasis.CASELOAD
        assert involvement.ended_on is None

    def test_an_agency_already_involved_gets_no_second_involvement(self, entitled, child, school_entry, gp):
        involvement_ensure(child=child, agency=gp, basis=InvolvementBasis.REGISTERED)
        entry_share(entry=school_entry, agency=gp, reason=REASON, by=entitled)
        assert list(ChildInvolvement.objects.filter(child=child, agency=gp).values_list("basis", flat=True)) == [
            InvolvementBasis.REGISTERED
        ]
        event = AuditEvent.objects.filter(object_type="concerns.chronologyshare").get()
        assert event.detail["involvement"] == "already involved"

    def test_an_ended_caseload_involvement_is_reopened(self, entitled, child, school_entry, gp):
        ended = timezone.localdate() - dt.timedelta(days=30)
        ChildInvolvement.objects.create(
            child=child, agency=gp, basis=InvolvementBasis.CASELOAD, started_on=ended, ended_on=ended
        )
        entry_share(entry=school_entry, agency=gp, reason=REASON, by=entitled)
        assert ChildInvolvement.objects.get(child=child, agency=gp).ended_on is None
        event = AuditEvent.objects.filter(object_type="concerns.chronologyshare").get()
        assert ended.isoformat() in event.detail["involvement"]

    def test_a_duplicate_share_is_refused_with_a_clear_error(self, as_user, entitled, school_entry, gp, police):  # noqa: F811
        entry_share(entry=school_entry, agency=gp, reason=REASON, by=entitled)
        response = as_user(entitled).post(share_url(school_entry), post(gp, reason="Again"))
        assert response.status_code == 200
        html = response.content.decode()
        assert "There is a problem" in html
        assert "This entry is already shared with Castle Street Surgery" in html
        assert ">Again</textarea>" in html  # what was typed is kept
        assert ChronologyShare.objects.count() == 1

    def test_an_agency_already_shared_with_is_listed_and_not_offered(self, as_user, entitled, school_entry, gp):
        entry_share(entry=school_entry, agency=gp, reason=REASON, by=entitled)
        html = as_user(entitled).get(share_url(school_entry)).content.decode()
        assert "Already shared with" in html
        assert f'<option value="{gp.pk}"' not in html

    def test_sharing_with_the_entrys_own_agency_is_refused(self, as_user, entitled, school, school_entry):
        response = as_user(entitled).post(share_url(school_entry), post(school))
        assert response.status_code == 200
        assert "This entry was recorded by Riverside Primary School. Choose another agency" in response.content.decode()
        assert not ChronologyShare.objects.exists()

    @pytest.mark.parametrize("reason", ["", "   "])
    def test_a_reason_is_required_and_the_answers_are_kept(self, as_user, entitled, school_entry, gp, reason):
        response = as_user(entitled).post(share_url(school_entry), post(gp, reason=reason, lawful_basis="consent"))
        assert response.status_code == 200
        html = response.content.decode()
        assert '<a href="#id_reason">Enter why you are sharing this entry</a>' in html
        assert f'<option value="{gp.pk}" selected>' in html
        assert 'value="consent" aria-describedby="id_lawful_basis-consent-item-hint" checked' in html
        assert not ChronologyShare.objects.exists()

    def test_an_agency_and_a_lawful_basis_are_required(self, as_user, entitled, school_entry):
        response = as_user(entitled).post(share_url(school_entry), {"reason": REASON})
        html = response.content.decode()
        assert '<a href="#id_agency">Select the agency you are sharing this entry with</a>' in html
        assert '<a href="#id_lawful_basis">Select the lawful basis for sharing</a>' in html
        assert not ChronologyShare.objects.exists()

    def test_the_service_refuses_a_blank_reason_and_an_unknown_lawful_basis(self, entitled, school_entry, gp):
        with pytest.raises(ValidationError) as exc:
            entry_share(entry=school_entry, agency=gp, reason=" ", lawful_basis="because", by=entitled)
        assert set(exc.value.message_dict) == {"reason", "lawful_basis"}
        assert not ChronologyShare.objects.exists()
        assert not AuditEvent.objects.filter(object_type="concerns.chronologyshare").exists()

    def test_with_no_other_agency_left_the_page_says_so(self, as_user, entitled, school_entry, gp):
        entry_share(entry=school_entry, agency=gp, reason=REASON, by=entitled)
        html = as_user(entitled).get(share_url(school_entry)).content.decode()
        assert "There are no other agencies to share this entry with" in html
        assert "<select" not in html

    def test_an_unknown_shared_with_shows_the_form(self, as_user, entitled, school_entry, gp):
        html = as_user(entitled).get(f"{share_url(school_entry)}?shared_with={gp.pk}").content.decode()
        assert "Entry shared with" not in html
        assert "Share this entry with another agency" in html

    def test_lawful_bases_offered_are_the_service_choices(self, as_user, entitled, school_entry, gp):
        html = as_user(entitled).get(share_url(school_entry)).content.decode()
        for value in LawfulBasis.values:
            assert f'value="{value}"' in html


# --- What the receiving agency sees -----------------------------------------------------------


class TestReceivingAgency:
    def test_the_gp_sees_exactly_the_shared_entry_on_the_childs_record(
        self,
        as_user,
        entitled,
        other_agency,
        child,
        school_entry,
        other_school_entry,
        gp,
        police,  # noqa: F811
    ):
        police_incident(child, police, summary="Domestic incident at home address")
        client = as_user(other_agency)
        assert client.get(record_url(child)).status_code == 403  # no relationship before the share

        as_user(entitled).post(share_url(school_entry), post(gp))

        response = client.get(record_url(child))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Finger-shaped bruises on her upper arm at PE" in html
        assert "Showing 1 to 1 of 1 entry" in html
        assert "Came to school hungry" not in html
        assert "Domestic incident at home address" not in html
        assert "Shared with Castle Street Surgery" in html
        # ...and can open the concern it came from.
        detail = reverse("concerns:detail", args=[child.pk, school_entry.source_id])
        assert client.get(detail).status_code == 200

    def test_a_second_gp_of_the_same_practice_sees_it_too(self, as_user, entitled, child, school_entry, gp, gp_doctor):
        entry_share(entry=school_entry, agency=gp, reason=REASON, by=entitled)
        assert "Finger-shaped bruises" in as_user(gp_doctor).get(record_url(child)).content.decode()

    def test_the_receiver_is_not_told_who_else_it_was_shared_with(
        self,
        as_user,
        entitled,
        other_agency,
        front_door,
        child,
        school_entry,
        gp,
        police,  # noqa: F811
    ):
        entry_share(entry=school_entry, agency=police, reason=REASON, by=entitled)
        entry_share(entry=school_entry, agency=gp, reason=REASON, by=entitled)
        gp_html = as_user(other_agency).get(record_url(child)).content.decode()
        assert "Shared with Castle Street Surgery</strong>" in gp_html
        assert "Shared with County Police" not in gp_html and "and 1 other" not in gp_html
        for viewer in (entitled, front_door):
            html = as_user(viewer).get(record_url(child)).content.decode()
            assert "Shared with County Police and 1 other</strong>" in html

    def test_chronology_with_shares_is_still_one_query(
        self,
        front_door,
        entitled,
        child,
        school_entry,
        other_school_entry,
        gp,
        police,  # noqa: F811
        django_assert_num_queries,
    ):
        entry_share(entry=school_entry, agency=gp, reason=REASON, by=entitled)
        entry_share(entry=school_entry, agency=police, reason=REASON, by=entitled)
        with django_assert_num_queries(1):
            rows = list(chronology_for(front_door, child, Basis.WHOLE_LA))
            tags = {r.pk: (r.shared_with_count, r.shared_with_first, r.agency.name) for r in rows}
        assert tags[school_entry.pk] == (2, "Castle Street Surgery", "Riverside Primary School")
        assert tags[other_school_entry.pk] == (0, None, "Riverside Primary School")

    def test_record_page_queries_do_not_grow_with_shares(
        self,
        as_user,
        entitled,
        child,
        gp,
        police,  # noqa: F811
    ):
        client = as_user(entitled)
        for _ in range(3):
            entry_share(entry=entry_of(record_concern(child, entitled)), agency=gp, reason=REASON, by=entitled)
        client.get(record_url(child))
        with CaptureQueriesContext(connection) as few:
            client.get(record_url(child))
        for _ in range(20):
            entry = entry_of(record_concern(child, entitled))
            entry_share(entry=entry, agency=gp, reason=REASON, by=entitled)
            entry_share(entry=entry, agency=police, reason=REASON, by=entitled)
        with CaptureQueriesContext(connection) as many:
            assert "Showing 1 to 23 of 23" in client.get(record_url(child)).content.decode()
        assert len(many.captured_queries) == len(few.captured_queries)


# --- Links from the detail pages ---------------------------------------------------------------


class TestLinks:
    def test_the_recorder_sees_the_link_on_the_concern(self, as_user, entitled, child, school_entry):
        detail = reverse("concerns:detail", args=[child.pk, school_entry.source_id])
        html = as_user(entitled).get(detail).content.decode()
        assert f'href="{share_url(school_entry)}">Share with another agency</a>' in html

    def test_the_receiver_does_not(self, as_user, entitled, other_agency, child, school_entry, gp):
        entry_share(entry=school_entry, agency=gp, reason=REASON, by=entitled)
        detail = reverse("concerns:detail", args=[child.pk, school_entry.source_id])
        html = as_user(other_agency).get(detail).content.decode()
        assert "Finger-shaped bruises" in html
        assert "Share with another agency" not in html

    def test_the_police_officer_sees_the_link_on_their_own_event(
        self,
        as_user,
        child,
        police,  # noqa: F811
        police_officer,  # noqa: F811
    ):
        incident = police_incident(child, police, by=police_officer)
        detail = reverse("concerns:event-detail", args=[child.pk, incident.source_id])
        html = as_user(police_officer).get(detail).content.decode()
        assert f'href="{share_url(incident)}">Share with another agency</a>' in html
