"""The daily reminders: once when due soon, once when overdue, never twice, no child's name."""

import datetime as dt
from io import StringIO
from unittest import mock

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from safeguarding.pathway.models import ReminderSent
from safeguarding.pathway.tests.factories import AssessmentFactory, CINPlanFactory, EpisodeFactory
from tests.factories import ChildFactory, ContactFactory, UserFactory, aware

D = dt.date
pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("send_clock_reminders", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def worker():
    return UserFactory(username="sw", first_name="Sol", email="sol@example.org")


@pytest.fixture
def cases(worker):
    """An assessment overdue on 10 June 2026, an early help review due soon (11 June), a CIN
    plan review due in August, and a contact waiting at the front door (nobody's own)."""
    child = ChildFactory(display_name="Zara Quinn", la_child_id="LA0042")
    assessment = AssessmentFactory(
        lead_practitioner=worker, referral__contact__child=child, referral__contact__received_at=aware(2026, 3, 2, 10)
    )
    episode = EpisodeFactory(lead_practitioner=worker, child=child, started_on=D(2026, 3, 11))
    CINPlanFactory(lead_practitioner=worker, referral__contact__received_at=aware(2026, 5, 1, 10))
    ContactFactory(received_at=aware(2026, 6, 1, 10))
    return assessment, episode


def test_each_owner_gets_one_email_about_what_became_due_soon_or_overdue(worker, cases):
    output = run("--today", "2026-06-10")
    assert "Sent 1 e-mail (1 overdue, 1 due soon)" in output
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["sol@example.org"]
    assert message.subject == "Safeguarding steps: 1 overdue and 1 due soon"
    assert "Child and family assessment (section 17) for child LA0042: was due 7 May 2026" in message.body
    assert "Early help family plan review for child LA0042: due 11 June 2026" in message.body
    assert f"/children/{cases[0].child_id}/" in message.body
    assert "/my-work/" in message.body
    # E-mail leaves the platform's access control: no child's name in it.
    assert "Zara" not in message.body and "Quinn" not in message.body and "Zara" not in message.subject
    assert set(ReminderSent.objects.values_list("timescale", "stage")) == {
        ("child_and_family_assessment", "overdue"),
        ("early_help_review", "due_soon"),
    }


def test_running_twice_sends_nothing_new(worker, cases):
    run("--today", "2026-06-10")
    output = run("--today", "2026-06-10")
    assert "Sent 0 e-mails" in output
    assert "2 already sent" in output
    assert len(mail.outbox) == 1
    assert ReminderSent.objects.count() == 2


def test_a_due_soon_clock_is_reminded_again_once_overdue(worker, cases):
    run("--today", "2026-06-10")
    run("--today", "2026-06-12")  # the early help review was due on the 11th
    assert len(mail.outbox) == 2
    assert mail.outbox[1].subject == "Safeguarding steps: 1 overdue"
    assert "Early help family plan review" in mail.outbox[1].body
    run("--today", "2026-06-15")
    assert len(mail.outbox) == 2


def test_dry_run_counts_and_sends_and_records_nothing(worker, cases):
    output = run("--dry-run", "--today", "2026-06-10")
    assert "Would send 1 e-mail (1 overdue, 1 due soon)" in output
    assert mail.outbox == []
    assert not ReminderSent.objects.exists()


def test_an_owner_without_an_email_address_is_counted_not_recorded(worker, cases):
    worker.email = ""
    worker.save(update_fields=["email"])
    assert "2 for owners without an e-mail address" in run("--today", "2026-06-10")
    assert not ReminderSent.objects.exists()


def test_a_failed_send_records_nothing_so_tomorrow_tries_again(worker, cases):
    down = mock.patch("safeguarding.pathway.services.send_mail", side_effect=OSError("mail server down"))
    with down, pytest.raises(CommandError, match="could not be sent"):
        run("--today", "2026-06-10")
    assert not ReminderSent.objects.exists()
    run("--today", "2026-06-10")
    assert len(mail.outbox) == 1


def test_a_bad_date_is_refused():
    with pytest.raises(CommandError, match="--today must be a date"):
        run("--today", "10/06/2026")
