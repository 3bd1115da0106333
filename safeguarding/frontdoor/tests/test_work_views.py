"""The front door's work on a contact: checks asked and answered, and the decision."""

import pytest
from django.urls import reverse

from safeguarding.audit.models import Action, AuditEvent
from safeguarding.frontdoor.models import AgencyCheck, AgencyCheckReturn, ContactDecision, Referral
from safeguarding.frontdoor.services import check_request, check_return, contact_decide
from safeguarding.frontdoor.tests.conftest import at, frozen, queries_for, refer
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact(child, entitled):  # type: ignore[no-untyped-def]
    return refer(child, entitled, when=at(2025, 3, 3))


def request_url(contact):
    return reverse("frontdoor:check-request", args=[contact.child_id, contact.pk])


def decide_url(contact):
    return reverse("frontdoor:decide", args=[contact.child_id, contact.pk])


class TestAskForACheck:
    def test_the_front_door_asks_an_agency(self, as_user, decider, contact, gp):
        client = as_user(decider)
        html = client.get(request_url(contact)).content.decode()
        assert gp.name in html and decider.agency.name not in html.split("<select")[1].split("</select>")[0]
        response = client.post(request_url(contact), {"agency": gp.pk, "question": "Any attendances?"})
        assert response.status_code == 302
        assert AgencyCheck.objects.get().agency == gp

    def test_a_check_must_say_what_is_asked(self, as_user, decider, contact, gp):
        html = as_user(decider).post(request_url(contact), {"agency": gp.pk, "question": ""}).content.decode()
        assert "Enter what you want the agency to tell you" in html
        assert not AgencyCheck.objects.exists()

    @pytest.mark.parametrize("persona", ["entitled", "other_agency", "outsider", "front_door"])
    def test_no_one_but_the_front_door_asks(self, as_user, request, persona, contact, gp):
        user = request.getfixturevalue(persona)
        assert as_user(user).post(request_url(contact), {"agency": gp.pk, "question": "x"}).status_code == 403
        assert not AgencyCheck.objects.exists()


class TestAgencyChecks:
    @pytest.fixture
    def check(self, contact, decider, gp):  # type: ignore[no-untyped-def]
        return check_request(contact=contact, agency=gp, question="GP QUESTION: any injuries?", by=decider)

    def test_the_asked_agency_sees_the_childs_name_and_date_of_birth_only(self, as_user, other_agency, check, child):
        child.current_postcode = "RV1 9ZZ"
        child.save(update_fields=["current_postcode"])
        html = as_user(other_agency).get(reverse("frontdoor:checks")).content.decode()
        assert "Amelia Jones" in html and "1 June 2015" in html
        assert "Bruising" not in html and "RV1 9ZZ" not in html
        assert reverse("frontdoor:check-return", args=[check.pk]) in html

    def test_another_agency_does_not_see_the_check(self, as_user, entitled, check):
        html = as_user(entitled).get(reverse("frontdoor:checks")).content.decode()
        assert "Amelia Jones" not in html and "There are no checks waiting" in html
        assert as_user(entitled).get(reverse("frontdoor:check-return", args=[check.pk])).status_code == 404

    def test_an_outsider_has_no_checks(self, as_user, outsider, check):
        assert as_user(outsider).get(reverse("frontdoor:checks")).status_code == 403
        assert as_user(outsider).get(reverse("frontdoor:check-return", args=[check.pk])).status_code == 403

    def test_the_asked_agency_answers_once(self, as_user, other_agency, check):
        client = as_user(other_agency)
        url = reverse("frontdoor:check-return", args=[check.pk])
        assert "GP QUESTION" in client.get(url).content.decode()
        assert client.post(url, {"information": "Seen twice for bruising."}).status_code == 302
        assert AgencyCheckReturn.objects.get().information == "Seen twice for bruising."
        response = client.post(url, {"information": "Again."})
        assert response.status_code == 200 and "has been answered" in response.content.decode()
        assert AgencyCheckReturn.objects.count() == 1
        assert AuditEvent.objects.filter(actor=other_agency, action=Action.CREATE).exists()

    def test_an_empty_answer_is_refused(self, as_user, other_agency, check):
        url = reverse("frontdoor:check-return", args=[check.pk])
        html = as_user(other_agency).post(url, {"information": ""}).content.decode()
        assert "Enter what your agency knows" in html and not AgencyCheckReturn.objects.exists()

    def test_the_list_runs_the_same_queries_for_one_check_or_many(
        self, as_user, other_agency, decider, gp, entitled, django_assert_max_num_queries
    ):
        client = as_user(other_agency)
        url = reverse("frontdoor:checks")

        def add(n: int) -> None:
            for i in range(n):
                contact = refer(ChildFactory(), entitled)
                check = check_request(contact=contact, agency=gp, question="?", by=decider)
                if i % 2:
                    check_return(check=check, information="x", by=other_agency)

        add(1)
        one = queries_for(client, url)
        add(12)
        with django_assert_max_num_queries(one):
            assert client.get(url).status_code == 200
        assert one <= 17  # 16, and the unread notifications in the navigation (sharing)


class TestDecide:
    def test_the_front_door_decides_and_the_referrer_is_told(self, as_user, decider, contact):
        client = as_user(decider)
        html = client.get(decide_url(contact)).content.decode()
        assert 'data-aria-controls="conditional-protection"' in html
        with frozen(2025, 3, 3, 15):
            response = client.post(decide_url(contact), {"decision": "assessment", "reason": "Needs assessing."})
            assert response.status_code == 302
            assert "Decided in time" in client.get(response.url).content.decode()
        assert ContactDecision.objects.get().decision == "assessment"
        assert Referral.objects.filter(contact=contact).exists()

    def test_immediate_protection_needs_how_and_when_and_works_without_javascript(self, as_user, decider, contact):
        client = as_user(decider)
        with frozen(2025, 3, 4):
            response = client.post(decide_url(contact), {"decision": "immediate_protection", "reason": "Danger."})
            html = response.content.decode()
            assert "Select police protection or an emergency protection order" in html
            assert "Enter the date the child was protected" in html
            # The revealed questions are open when the choice is made, whatever JavaScript does.
            assert 'class="govuk-radios__conditional" id="conditional-protection"' in html
            data = {
                "decision": "immediate_protection",
                "reason": "Danger.",
                "immediate_protection": "police_protection",
                "protected_day": "2",
                "protected_month": "3",
                "protected_year": "2025",
            }
            html = client.post(decide_url(contact), data).content.decode()
            assert "on or after the day the contact was received, 3 March 2025" in html
            data["protected_day"] = "3"
            assert client.post(decide_url(contact), data).status_code == 302
        decision = ContactDecision.objects.get()
        assert decision.immediate_protection == "police_protection"

    def test_a_decided_contact_is_not_decided_again(self, as_user, decider, contact):
        contact_decide(contact=contact, decision="nfa", reason="No concerns.", by=decider)
        response = as_user(decider).post(decide_url(contact), {"decision": "assessment", "reason": "x"})
        assert response.status_code == 302
        assert ContactDecision.objects.get().decision == "nfa"

    def test_an_open_referral_refusal_is_shown_on_the_form(self, as_user, decider, contact, child, entitled):
        contact_decide(contact=contact, decision="assessment", reason="x", by=decider)
        second = refer(child, entitled)
        html = as_user(decider).post(decide_url(second), {"decision": "assessment", "reason": "y"}).content.decode()
        assert "already has an open referral" in html

    @pytest.mark.parametrize("persona", ["entitled", "other_agency", "outsider", "front_door"])
    def test_no_one_but_the_front_door_decides(self, as_user, request, persona, contact):
        user = request.getfixturevalue(persona)
        assert as_user(user).get(decide_url(contact)).status_code == 403
        assert as_user(user).post(decide_url(contact), {"decision": "nfa", "reason": "x"}).status_code == 403
        assert not ContactDecision.objects.exists()
