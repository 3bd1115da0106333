"""Letters: written once by the service that decided, read by their recipient or by those
who may read the child's whole record, and every reading audited."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safeguarding.audit.models import Action, AuditEvent
from safeguarding.sharing.models import Letter, LetterKind
from safeguarding.sharing.services import letter_create
from tests.factories import ContactFactory, UserFactory


@pytest.fixture
def feedback(child, entitled, front_door, settings, tmp_path):  # type: ignore[no-untyped-def]
    template_dir = tmp_path / "templates" / "sharing" / "letters"
    template_dir.mkdir(parents=True)
    (template_dir / "test_letter.txt").write_text(
        "Dear {{ recipient_name }},\n\nAbout {{ child.display_name }}: {{ outcome }}."
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [str(tmp_path / "templates"), *settings.TEMPLATES[0]["DIRS"]]}
    ]
    contact = ContactFactory(child=child, referrer=entitled)
    return letter_create(
        child=child,
        kind=LetterKind.REFERRAL_FEEDBACK,
        source=contact,
        recipient_name=entitled.display_name,
        recipient_agency=entitled.agency,
        recipient_user=entitled,
        subject="Your referral",
        template="sharing/letters/test_letter.txt",
        context={"outcome": "a child and family assessment"},
        by=front_door,
    )


def test_a_letter_is_rendered_once_from_its_template_and_its_writing_is_audited(feedback, child, entitled):
    assert feedback.body == f"Dear {entitled.display_name},\n\nAbout Amelia Jones: a child and family assessment."
    assert feedback.source_type == "frontdoor.contact"
    assert AuditEvent.objects.filter(action=Action.EXPORT, child=child, object_id=str(feedback.pk)).exists()


def test_the_recipient_reads_their_letter(feedback, child, entitled, as_user):
    response = as_user(entitled).get(reverse("sharing:letter", args=[child.pk, feedback.pk]))
    assert response.status_code == 200
    assert "a child and family assessment" in response.content.decode()
    assert AuditEvent.objects.filter(action=Action.VIEW, object_id=str(feedback.pk), actor=entitled).exists()


def test_the_front_door_reads_any_letter_about_a_child(feedback, child, front_door, as_user):
    assert as_user(front_door).get(reverse("sharing:letter", args=[child.pk, feedback.pk])).status_code == 200


def test_another_agency_without_a_relationship_gets_nothing_and_the_refusal_is_audited(
    feedback, child, other_agency, as_user
):
    response = as_user(other_agency).get(reverse("sharing:letter", args=[child.pk, feedback.pk]))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action=Action.DENIED, actor=other_agency, object_id=str(feedback.pk)).exists()


def test_an_outsider_gets_nothing(feedback, child, outsider, as_user):
    assert as_user(outsider).get(reverse("sharing:letter", args=[child.pk, feedback.pk])).status_code == 404


def test_a_letter_is_only_found_under_its_own_child(feedback, entitled, as_user):
    other = ContactFactory().child
    assert as_user(entitled).get(reverse("sharing:letter", args=[other.pk, feedback.pk])).status_code == 404
    assert Letter.objects.count() == 1


def _letter(child, *, to_user=None, to_agency=None, subject="A letter"):  # type: ignore[no-untyped-def]
    contact = ContactFactory(child=child)
    return Letter.objects.create(
        child=child,
        kind=LetterKind.ASSESSMENT_OUTCOME_AGENCY,
        recipient_name=to_user.display_name if to_user else "Colleague",
        recipient_user=to_user,
        recipient_agency=to_agency,
        subject=subject,
        body="What was decided.",
        source_type="frontdoor.contact",
        source_id=contact.pk,
    )


def test_the_letters_list_shows_what_was_sent_to_me_or_my_agency_only(child, entitled, other_agency, as_user):
    colleague = UserFactory(username="teacher", agency=entitled.agency)
    mine = _letter(child, to_user=entitled, subject="To the DSL")
    ours = _letter(child, to_agency=entitled.agency, subject="To the school")
    _letter(child, to_agency=other_agency.agency, subject="To the surgery")
    page = as_user(colleague).get(reverse("sharing:letters")).text
    assert "To the school" in page and "To the DSL" not in page and "To the surgery" not in page
    page = as_user(entitled).get(reverse("sharing:letters")).text
    assert "To the school" in page and "To the DSL" in page and "To the surgery" not in page
    assert reverse("sharing:letter", args=[child.pk, mine.pk]) in page
    shown = AuditEvent.objects.filter(actor=entitled, action=Action.VIEW, detail__what="letters list").get()
    assert sorted(shown.detail["letters"]) == sorted([mine.pk, ours.pk])


def test_someone_with_no_agency_and_no_letters_is_told_so(outsider, as_user):
    assert 'id="no-letters"' in as_user(outsider).get(reverse("sharing:letters")).text


def test_the_letters_list_runs_the_same_queries_for_one_letter_or_many(
    child, entitled, as_user, django_assert_num_queries
):
    client = as_user(entitled)
    _letter(child, to_user=entitled)
    client.get(reverse("sharing:letters"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("sharing:letters"))
    for n in range(60):
        _letter(child, to_agency=entitled.agency, subject=f"Letter {n}")
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(reverse("sharing:letters")).text
    assert "showing 1 to 50 of 61" in page
