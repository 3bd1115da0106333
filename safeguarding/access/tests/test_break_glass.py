"""Break-glass: emergency access without a relationship, time-limited, reasoned, audited."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import override_settings

from safeguarding.access.models import BreakGlassAccess
from safeguarding.access.permissions import Basis, basis_for, entries_visible_to
from safeguarding.access.services import break_glass_open, child_for
from safeguarding.audit.models import Action, AuditEvent
from safeguarding.core.errors import NoRelationship

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher")]

NOW = dt.datetime(2025, 3, 12, 22, 15, tzinfo=dt.UTC)
REASON = "Child brought to A&E at night with a head injury"


@time_machine.travel(NOW, tick=False)
def test_open_grants_time_limited_access_and_audits_the_reason(child, other_agency, settings) -> None:  # type: ignore[no-untyped-def]
    grant = break_glass_open(user=other_agency, child_id=child.pk, reason=f"  {REASON}  ")
    assert grant.reason == REASON
    assert grant.granted_at == NOW
    assert grant.expires_at == NOW + dt.timedelta(minutes=settings.BREAK_GLASS_MINUTES)
    event = AuditEvent.objects.get(action=Action.BREAK_GLASS)
    assert event.actor == other_agency
    assert event.child == child
    assert event.reason == REASON
    assert event.object_type == "access.breakglassaccess"
    assert event.object_id == str(grant.pk)
    assert basis_for(other_agency, child.pk) is Basis.BREAK_GLASS


@override_settings(BREAK_GLASS_MINUTES=15)
def test_expiry_follows_the_setting(child, other_agency) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        grant = break_glass_open(user=other_agency, child_id=child.pk, reason=REASON)
    assert grant.expires_at - grant.granted_at == dt.timedelta(minutes=15)


def test_access_ends_when_the_grant_expires(child, other_agency, make_entry, gp, school, entitled) -> None:  # type: ignore[no-untyped-def]
    make_entry(child, school, entitled, "School concern")
    with time_machine.travel(NOW, tick=False):
        break_glass_open(user=other_agency, child_id=child.pk, reason=REASON)
        got, basis = child_for(other_agency, child.pk)
        assert basis is Basis.BREAK_GLASS
        # Emergency access shows the whole chronology: the point is to see the full picture.
        assert entries_visible_to(other_agency, child, basis).count() == 1
    with time_machine.travel(NOW + dt.timedelta(minutes=61), tick=False), pytest.raises(NoRelationship):
        child_for(other_agency, child.pk)
    actions = list(AuditEvent.objects.filter(child=child).order_by("id").values_list("action", flat=True))
    assert actions == [Action.BREAK_GLASS, Action.VIEW, Action.DENIED]


@pytest.mark.parametrize("reason", ["", "   ", "urgent", "123456789", "  short  "])
def test_reason_of_at_least_ten_characters_is_required(child, other_agency, reason) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as refused:
        break_glass_open(user=other_agency, child_id=child.pk, reason=reason)
    assert "reason" in refused.value.message_dict
    assert not BreakGlassAccess.objects.exists()
    assert not AuditEvent.objects.exists()


def test_role_that_may_not_break_glass_is_refused(child, dpo) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="does not allow emergency access"):
        break_glass_open(user=dpo, child_id=child.pk, reason=REASON)
    assert not BreakGlassAccess.objects.exists()
    assert not AuditEvent.objects.exists()


def test_outsider_without_agency_or_role_is_refused(child, outsider) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        break_glass_open(user=outsider, child_id=child.pk, reason=REASON)
    assert not BreakGlassAccess.objects.exists()


def test_user_with_a_role_but_no_agency_is_refused(child, outsider) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import RoleFactory

    outsider.role = RoleFactory(key="volunteer", may_break_glass=True)
    outsider.save(update_fields=["role"])
    with pytest.raises(ValidationError):
        break_glass_open(user=outsider, child_id=child.pk, reason=REASON)


def test_missing_child_is_404(other_agency) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Http404):
        break_glass_open(user=other_agency, child_id=999_999, reason=REASON)
    assert not AuditEvent.objects.exists()


def test_entitled_may_also_break_glass_but_keeps_the_stronger_basis(child, entitled) -> None:  # type: ignore[no-untyped-def]
    break_glass_open(user=entitled, child_id=child.pk, reason=REASON)
    assert basis_for(entitled, child.pk) is Basis.AGENCY


@pytest.mark.django_db
def test_break_glass_is_reported_by_email_to_reviewers_without_the_childs_name(
    other_agency, dpo, child, mailoutbox, django_capture_on_commit_callbacks
):
    dpo.email = "dpo@example.org"
    dpo.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        break_glass_open(user=other_agency, child_id=child.pk, reason="Child brought to surgery with injuries")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["dpo@example.org"]
    assert child.la_child_id in message.body
    assert "Child brought to surgery with injuries" in message.body
    assert child.display_name not in message.body and child.display_name not in message.subject
