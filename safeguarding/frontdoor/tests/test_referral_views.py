"""Making a referral and reading a contact, with the three personas (the school DSL whose
agency is involved, a GP with no relationship, a signed-in user of no agency) and the
front door."""

import datetime as dt

import pytest
from django.urls import reverse

from safeguarding.access.models import ChildInvolvement
from safeguarding.access.services import involvement_ensure
from safeguarding.audit.models import Action, AuditEvent
from safeguarding.frontdoor.models import Contact
from safeguarding.frontdoor.services import check_request, check_return, contact_decide
from safeguarding.frontdoor.tests.conftest import at, frozen, refer
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def new_url(child, public=False):
    return reverse("frontdoor:contact-new", args=[child.pk]) + ("?public=1" if public else "")


def contact_url(contact):
    return reverse("frontdoor:contact", args=[contact.child_id, contact.pk])


REFERRAL = {
    "concern": "Came to school with a black eye; said dad hit him.",
    "categories": ["physical_abuse", "domestic_abuse"],
    "immediate_danger": "no",
    "household": "Mum, dad, sister (4)",
    "action_taken": "Spoke to the child; logged it.",
    "family_aware": "no",
    "consent": "not_sought",
    "consent_reason": "Telling dad could put the child at risk.",
}


class TestMakeAReferral:
    def test_the_entitled_dsl_refers_and_sees_when_the_front_door_will_decide(self, as_user, entitled, child):
        client = as_user(entitled)
        assert client.get(new_url(child)).status_code == 200
        with frozen(2025, 3, 7, 16):  # a Friday: decided by Monday
            response = client.post(new_url(child), REFERRAL)
            contact = Contact.objects.get()
            assert response.status_code == 302
            assert response.url == reverse("frontdoor:contact-sent", args=[child.pk, contact.pk])
            page = client.get(response.url).content.decode()
        assert "Referral sent" in page and "Monday 10 March 2025" in page
        assert contact.referrer == entitled and contact.source == "2A"
        assert contact.categories == ["domestic_abuse", "physical_abuse"]
        assert not contact.family_aware and contact.consent_reason

    def test_a_gp_without_a_relationship_may_refer_but_sees_only_name_and_date_of_birth(
        self, as_user, other_agency, child
    ):
        child.current_postcode = "RV1 9ZZ"
        child.save(update_fields=["current_postcode"])
        client = as_user(other_agency)
        page = client.get(new_url(child)).content.decode()
        assert "Amelia Jones, born 1 June 2015" in page and "RV1 9ZZ" not in page
        assert "You do not have a working relationship" in page
        assert client.post(new_url(child), REFERRAL).status_code == 302
        contact = Contact.objects.get()
        assert contact.source == "3A"
        # Referring makes the GP's agency involved, as recording a concern does.
        assert ChildInvolvement.objects.filter(child=child, agency=other_agency.agency).exists()

    def test_an_outsider_cannot_refer(self, as_user, outsider, child):
        assert as_user(outsider).get(new_url(child)).status_code == 403
        assert as_user(outsider).post(new_url(child), REFERRAL).status_code == 403
        assert not Contact.objects.exists()

    def test_a_rejected_referral_says_what_to_fix_and_keeps_what_was_typed(self, as_user, entitled, child):
        data = {**REFERRAL, "concern": "", "consent": "refused", "consent_reason": ""}
        response = as_user(entitled).post(new_url(child), data)
        html = response.content.decode()
        assert response.status_code == 200 and "<title>Error: " in html
        assert "Enter what you are worried about" in html
        assert "Enter why you are referring without the family" in html
        assert "Mum, dad, sister (4)" in html
        assert not Contact.objects.exists()

    def test_only_the_front_door_records_a_call_from_the_public(self, as_user, entitled, child):
        assert as_user(entitled).get(new_url(child, public=True)).status_code == 403

    def test_the_front_door_records_a_call_from_the_public(self, as_user, decider, child):
        client = as_user(decider)
        assert "Who made contact?" in client.get(new_url(child, public=True)).content.decode()
        data = {
            **REFERRAL,
            "public_source": "1A",
            "referrer_name": "Jean Jones",
            "referrer_relationship": "Grandmother",
            "referrer_contact_details": "01632 960123",
            "received_day": "3",
            "received_month": "3",
            "received_year": "2025",
            "received_time": "08:15",
        }
        with frozen(2025, 3, 3, 11):
            response = client.post(new_url(child, public=True), data)
        assert response.status_code == 302
        contact = Contact.objects.get()
        assert contact.referrer is None and contact.source == "1A" and contact.referrer_name == "Jean Jones"
        assert contact.received_at == at(2025, 3, 3, 8, 15)

    def test_a_call_from_the_public_needs_when_it_came(self, as_user, decider, child):
        data = {**REFERRAL, "public_source": "9", "received_time": "25:00"}
        html = as_user(decider).post(new_url(child, public=True), data).content.decode()
        assert "Enter the date of the call" in html and "Enter a real time" in html

    def test_only_the_person_who_sent_it_sees_the_confirmation(self, as_user, entitled, other_agency, child):
        contact = refer(child, entitled)
        url = reverse("frontdoor:contact-sent", args=[child.pk, contact.pk])
        assert as_user(entitled).get(url).status_code == 200
        assert as_user(other_agency).get(url).status_code == 404


class TestContactPage:
    @pytest.fixture
    def contact(self, child, entitled, decider, gp, other_agency):  # type: ignore[no-untyped-def]
        contact = refer(child, entitled, when=at(2025, 3, 3))
        check = check_request(contact=contact, agency=gp, question="Any injuries seen?", by=decider)
        check_return(check=check, information="GP SECRET: father treated for alcohol misuse.", by=other_agency)
        with frozen(2025, 3, 3, 15):
            contact_decide(contact=contact, decision="assessment", reason="MASH REASON: risk is high.", by=decider)
        return contact

    def test_the_front_door_sees_the_checks_the_reasons_and_the_letter(self, as_user, decider, contact):
        response = as_user(decider).get(contact_url(contact))
        html = response.content.decode()
        assert response.status_code == 200
        assert "GP SECRET" in html and "MASH REASON" in html
        assert "Child and family assessment (section 17)" in html
        assert "Letter to" in html and "See the referral" in html
        assert "Decided in time" in html

    def test_the_referrer_sees_what_they_referred_and_the_decision_but_no_checks_or_reasons(
        self, as_user, entitled, contact
    ):
        html = as_user(entitled).get(contact_url(contact)).content.decode()
        assert "Bruising on the upper arm" in html
        assert "Child and family assessment (section 17)" in html
        assert "GP SECRET" not in html and "MASH REASON" not in html and "Agency checks" not in html
        assert "Letter to" in html

    def test_a_colleague_at_the_referrers_agency_sees_the_details_but_no_checks(self, as_user, school, contact):
        colleague = UserFactory(username="deputy-dsl", agency=school)
        html = as_user(colleague).get(contact_url(contact)).content.decode()
        assert "Bruising on the upper arm" in html
        assert "GP SECRET" not in html and "MASH REASON" not in html
        assert "Letter to" in html  # the letter is addressed to the school too

    def test_the_referrer_whose_agency_is_no_longer_involved_still_sees_their_own_referral(
        self, as_user, entitled, contact, child
    ):
        ChildInvolvement.objects.filter(child=child).update(ended_on=dt.date(2025, 1, 1))
        response = as_user(entitled).get(contact_url(contact))
        html = response.content.decode()
        assert response.status_code == 200
        assert "Bruising on the upper arm" in html and "GP SECRET" not in html
        assert AuditEvent.objects.filter(actor=entitled, action=Action.DENIED, child=child).exists()
        assert AuditEvent.objects.filter(actor=entitled, action=Action.VIEW, detail__shown="own referral").exists()

    def test_a_gp_without_a_relationship_gets_the_refusal_page(self, as_user, other_agency, contact, child):
        response = as_user(other_agency).get(contact_url(contact))
        assert response.status_code == 403 and "Bruising" not in response.content.decode()

    def test_another_agency_involved_with_the_child_does_not_see_the_schools_referral(
        self, as_user, other_agency, contact, child
    ):
        # The child is registered with the GP: the GP opens the record, sees its own entries
        # and what was shared with it, but not the school's referral.
        involvement_ensure(child=child, agency=other_agency.agency, basis="registered")
        assert as_user(other_agency).get(contact_url(contact)).status_code == 404

    def test_an_outsider_gets_the_refusal_page(self, as_user, outsider, contact):
        assert as_user(outsider).get(contact_url(contact)).status_code == 403

    def test_a_contact_is_found_only_under_its_own_child(self, as_user, decider, contact):
        other = refer(contact.child.__class__.objects.create(la_child_id="X1", display_name="Other Child"), decider)
        assert as_user(decider).get(reverse("frontdoor:contact", args=[other.child_id, contact.pk])).status_code == 404

    def test_an_undecided_contact_shows_its_clock_and_the_front_door_may_decide(
        self, as_user, decider, child, entitled
    ):
        contact = refer(child, entitled, when=at(2025, 3, 3))
        with frozen(2025, 3, 5):
            html = as_user(decider).get(contact_url(contact)).content.decode()
        assert "Overdue" in html and "Due by 4 March 2025" in html
        assert reverse("frontdoor:decide", args=[child.pk, contact.pk]) in html
        assert reverse("frontdoor:check-request", args=[child.pk, contact.pk]) in html

    def test_a_decision_in_the_chronology_opens_its_contact(self, as_user, decider, contact):
        decision = contact.decision
        response = as_user(decider).get(reverse("frontdoor:decision", args=[contact.child_id, decision.pk]))
        assert response.status_code == 302 and response.url == contact_url(contact)
