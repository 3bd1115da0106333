"""The assessment pages, each with the three personas: the school DSL whose agency is involved
(entitled to the child's record but not to social care's assessment), a GP with no
relationship (other_agency), and a signed-in user of no agency (outsider); and social care
and the lead practitioner, who use them."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from safeguarding.assessments.models import Assessment, AssessmentAuthorisation, AssessmentCompletion, ChildSeen
from safeguarding.assessments.tests.helpers import complete, completed, see, start
from safeguarding.audit.models import Action, AuditEvent
from safeguarding.sharing.models import Letter

pytestmark = pytest.mark.django_db


def date_post(prefix: str, d: dt.date) -> dict:
    return {f"{prefix}_day": str(d.day), f"{prefix}_month": str(d.month), f"{prefix}_year": str(d.year)}


def checked(html: str, name: str, value: str) -> bool:
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{name}"' in tag and f'value="{value}"' in tag:
            return " checked" in tag
    raise AssertionError(f"no input {name}={value}")


def url(name, assessment, **kw):
    return reverse(f"assessments:{name}", args=[assessment.child_id, assessment.pk])


def start_url(referral):
    return reverse("assessments:start", args=[referral.child_id, referral.pk])


# --- Who may open the pages ----------------------------------------------------------------


@pytest.fixture
def assessment(referral, social_worker):
    return start(referral, social_worker)


@pytest.mark.parametrize("name", ["detail", "seen", "complete"])
def test_agencies_without_social_cares_view_get_no_assessment_page(
    name, assessment, entitled, other_agency, outsider, as_user
):
    # The school is involved with the child, but the assessment is social care's: it gets the outcome by letter.
    assert as_user(entitled).get(url(name, assessment)).status_code == 403
    # No relationship at all: the refusal page, and the refusal audited.
    response = as_user(other_agency).get(url(name, assessment))
    assert response.status_code == 403
    assert AuditEvent.objects.filter(actor=other_agency, action=Action.DENIED).exists()
    assert as_user(outsider).get(url(name, assessment)).status_code == 403


def test_the_start_page_is_for_social_care_only(referral, entitled, other_agency, outsider, social_worker, as_user):
    for user in (entitled, other_agency, outsider):
        assert as_user(user).get(start_url(referral)).status_code == 403
    response = as_user(social_worker).get(start_url(referral))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Was due by 20 June 2025: 3 working days overdue" in html
    # Social care staff come first; the school DSL is offered as someone working with the child.
    assert html.index('<optgroup label="Children&#x27;s social care">') < html.index(
        '<optgroup label="Working with Amelia Jones">'
    )
    assert f'<option value="{entitled.pk}">' in html


def test_a_social_worker_starts_an_assessment_from_the_page(referral, social_worker, as_user):
    response = as_user(social_worker).post(
        start_url(referral), {**date_post("started", dt.date(2025, 4, 15)), "lead_practitioner": social_worker.pk}
    )
    assessment = Assessment.objects.get()
    assert response.status_code == 302 and response.url == url("detail", assessment)
    assert AuditEvent.objects.filter(action=Action.VIEW, detail__what="start assessment form").exists()


def test_a_lead_who_is_not_a_social_worker_without_a_supervisor_is_refused_on_the_form(
    referral, social_worker, family_worker, as_user
):
    response = as_user(social_worker).post(
        start_url(referral), {**date_post("started", dt.date(2025, 4, 15)), "lead_practitioner": family_worker.pk}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<title>Error: " in html
    assert "Fran Lee is not a social worker" in html
    assert f'<option value="{family_worker.pk}" selected>' in html  # what was chosen is kept
    assert 'href="#id_supervisor"' in html
    assert not Assessment.objects.exists()


def test_the_start_form_asks_for_the_date(referral, social_worker, as_user):
    response = as_user(social_worker).post(start_url(referral), {"lead_practitioner": social_worker.pk})
    assert "Enter the date the assessment started" in response.content.decode()


def test_a_referral_of_another_child_is_not_found(referral, social_worker, as_user):
    other = start(referral, social_worker)
    wrong = reverse("assessments:detail", args=[other.child_id + 999, other.pk])
    assert as_user(social_worker).get(wrong).status_code == 404


# --- The assessment page --------------------------------------------------------------------


def test_an_assessment_past_its_45_working_days_shows_overdue(assessment, social_worker, as_user):
    html = as_user(social_worker).get(url("detail", assessment)).content.decode()
    assert 'govuk-tag--red">Overdue' in html
    assert "Was due by 20 June 2025: 3 working days overdue" in html


def test_an_assessment_near_its_due_date_shows_due_soon(assessment, social_worker, as_user, time_machine):
    time_machine.move_to(dt.datetime(2025, 6, 19, 10, tzinfo=dt.UTC), tick=False)
    html = as_user(social_worker).get(url("detail", assessment)).content.decode()
    assert 'govuk-tag--yellow">Due soon' in html and "1 working day left" in html


def test_a_completed_assessment_shows_its_outcome_factors_and_letters(
    referral, social_worker, manager, as_user, django_assert_max_num_queries
):
    assessment = start(referral, social_worker, supervisor=manager)
    see(assessment, social_worker)
    complete(assessment, social_worker, on=dt.date(2025, 6, 20), factors=["3B", "24A"])
    client = as_user(social_worker)
    with django_assert_max_num_queries(25):
        html = client.get(url("detail", assessment)).content.decode()
    assert 'govuk-tag--green">Completed in time' in html
    assert "Domestic abuse: the parent(s) or carer(s) (3B)" in html
    assert "Child criminal exploitation (24A)" in html
    assert "Abuse or neglect (N1)" in html
    assert f"Awaiting authorisation by {manager.display_name}" in html
    for letter in Letter.objects.all():
        assert reverse("sharing:letter", args=[assessment.child_id, letter.pk]) in html
    assert (
        reverse("assessments:cin-plan-start", args=[assessment.child_id, referral.pk])
        + (f"?assessment={assessment.pk}")
        in html
    )


def test_an_assessment_completed_late_shows_completed_late_and_why(referral, social_worker, as_user):
    assessment = completed(referral, social_worker, on=dt.date(2025, 6, 23), late_reason="Family away")
    html = as_user(social_worker).get(url("detail", assessment)).content.decode()
    assert 'govuk-tag--orange">Completed late' in html and "Family away" in html


def test_a_lead_from_outside_social_care_reads_and_records_on_their_assessment(
    referral, social_worker, family_worker, as_user
):
    assessment = start(referral, social_worker, lead=family_worker, supervisor=social_worker)
    client = as_user(family_worker)
    assert client.get(url("detail", assessment)).status_code == 200
    response = client.post(
        url("seen", assessment), {**date_post("seen", dt.date(2025, 4, 16)), "seen_alone": "no", "note": "At school"}
    )
    assert response.status_code == 302
    assert ChildSeen.objects.get().seen_alone is False


def test_the_seen_form_refuses_a_date_before_the_assessment(assessment, social_worker, as_user):
    response = as_user(social_worker).post(
        url("seen", assessment), {**date_post("seen", dt.date(2025, 4, 1)), "seen_alone": "yes"}
    )
    html = response.content.decode()
    assert "after the start of the assessment, 15 April 2025" in html
    assert 'value="2025"' in html and not ChildSeen.objects.exists()


# --- Completing and authorising -------------------------------------------------------------


def complete_post(on: dt.date, **extra) -> dict:
    return {
        **date_post("completed", on),
        "factors": ["3B", "4B"],
        "primary_need": "N1",
        "analysis": "Findings.",
        "outcome": "cin_plan",
        **extra,
    }


def test_completing_late_on_the_page_asks_why_and_keeps_the_ticked_factors(assessment, social_worker, as_user):
    see(assessment, social_worker)
    client = as_user(social_worker)
    response = client.post(url("complete", assessment), complete_post(dt.date(2025, 6, 23)))
    html = response.content.decode()
    assert "Enter why the assessment was completed late" in html
    assert checked(html, "factors", "3B") and checked(html, "factors", "4B") and not checked(html, "factors", "1A")
    response = client.post(url("complete", assessment), complete_post(dt.date(2025, 6, 23), late_reason="Illness"))
    assert response.status_code == 302
    assert AssessmentCompletion.objects.get().late_reason == "Illness"
    assert Letter.objects.exists()


def test_the_complete_page_lists_every_selectable_factor_once(assessment, social_worker, as_user):
    from safeguarding.assessments import codes

    html = as_user(social_worker).get(url("complete", assessment)).content.decode()
    for factor in codes.FACTORS:
        assert checked(html, "factors", factor.code) is False
    assert 'id="id_factors"' in html and html.count('id="id_factors"') == 1


def test_no_factors_with_others_is_refused_on_the_page(assessment, social_worker, as_user):
    see(assessment, social_worker)
    response = as_user(social_worker).post(
        url("complete", assessment), complete_post(dt.date(2025, 6, 16), factors=["21", "3B"], outcome="nfa")
    )
    assert "cannot be selected with other factors" in response.content.decode()


def test_the_lead_and_a_social_worker_of_social_care_open_the_complete_page(
    referral, social_worker, family_worker, manager, as_user
):
    assessment = start(referral, social_worker, lead=family_worker, supervisor=manager)
    # The supervisor authorises; completing is the lead's (or a social care social worker's).
    family_only = as_user(family_worker).get(url("complete", assessment))
    assert family_only.status_code == 200
    assert as_user(manager).get(url("complete", assessment)).status_code == 200  # whole-LA social worker


def test_the_supervisor_authorises_on_the_page_and_the_lead_cannot(
    referral, social_worker, family_worker, manager, as_user
):
    assessment = start(referral, social_worker, lead=family_worker, supervisor=manager)
    see(assessment, family_worker)
    complete(assessment, family_worker)
    assert as_user(family_worker).get(url("authorise", assessment)).status_code == 403
    response = as_user(manager).post(url("authorise", assessment), {"note": "Checked"})
    assert response.status_code == 302
    assert AssessmentAuthorisation.objects.get().authorised_by == manager
    html = as_user(manager).get(url("detail", assessment)).content.decode()
    assert "Awaiting authorisation" not in html and "25 June 2025 by Maya Khan" in html


def test_the_authorise_page_is_refused_to_other_agencies(
    referral, social_worker, entitled, other_agency, outsider, as_user
):
    assessment = completed(referral, social_worker)
    for user in (entitled, other_agency, outsider):
        assert as_user(user).get(url("authorise", assessment)).status_code == 403


@pytest.mark.parametrize(
    ("outcome", "factors", "link_name", "link_args", "query"),
    [
        ("early_help", ["21"], "earlyhelp:start", "child", "?referral="),
        ("strategy_discussion", ["18C"], "protection:strategy-new", "referral", ""),
        ("nfa", ["21"], "frontdoor:close", "referral", ""),
    ],
)
def test_the_outcome_links_to_the_next_step(
    referral, social_worker, as_user, outcome, factors, link_name, link_args, query
):
    from django.urls import NoReverseMatch

    assessment = completed(referral, social_worker, outcome=outcome, factors=factors)
    response = as_user(social_worker).get(url("detail", assessment))
    assert response.status_code == 200  # whether or not the next step's page exists yet
    args = [referral.child_id] if link_args == "child" else [referral.child_id, referral.pk]
    try:
        expected = reverse(link_name, args=args)
    except NoReverseMatch:
        pytest.skip(f"{link_name} is not built yet")
    assert expected + (f"{query}{referral.pk}" if query else "") in response.content.decode()
