"""Who may start and act on early help, in plain words."""

import pytest

from safeguarding.access.permissions import Basis, basis_for
from safeguarding.concerns import chronology
from safeguarding.earlyhelp import permissions as perms
from safeguarding.earlyhelp.services import taf_member_add
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_who_may_start_early_help(child, entitled, other_agency, outsider, front_door, early_help_worker):
    # A practitioner whose agency is involved with the child may start it.
    assert perms.may_start(entitled, basis_for(entitled, child.pk))
    # The front door and social care may start it for any child.
    assert perms.may_start(front_door, basis_for(front_door, child.pk))
    # The early help service may start it before it knows the child.
    assert perms.may_start(early_help_worker, Basis.NONE)
    # Another agency with no relationship may not, nor may someone who belongs to no agency.
    assert not perms.may_start(other_agency, basis_for(other_agency, child.pk))
    assert not perms.may_start(outsider, Basis.WHOLE_LA)
    # Emergency (break-glass) access is for reading, not for starting work with a family.
    assert not perms.may_start(entitled, Basis.BREAK_GLASS)


def test_who_may_act_on_an_episode(episode, entitled, other_agency, front_door, school):
    # The lead practitioner and roles covering the whole local authority act on it.
    assert perms.may_act(entitled, episode)
    assert perms.may_act(front_door, episode)
    # A colleague of the lead is not, by that alone, in the team around the family.
    colleague = UserFactory(username="colleague", agency=school)
    assert not perms.may_act(colleague, episode)
    # Joining the team around the family lets a practitioner act on it.
    assert not perms.may_act(other_agency, episode)
    taf_member_add(episode=episode, practitioner=other_agency, name="", agency=None, role="GP", by=entitled)
    assert perms.may_act(other_agency, episode)


def test_every_early_help_entry_links_to_the_episode_page():
    for key in ("early_help_started", "early_help_consent", "early_help_review", "early_help_closed"):
        assert chronology.kind(key).detail_url_name == "earlyhelp:episode"
