import pytest

from tests.factories import RoleFactory, UserFactory


@pytest.fixture
def reviewer(db, social_care):  # type: ignore[no-untyped-def]
    """A MASH manager: covers the whole local authority and decides at the front door, so
    reviews identity links (`linkage.permissions.may_review_links`)."""
    role = RoleFactory(
        key="mash-manager",
        name="MASH team manager",
        covers_whole_la=True,
        may_decide_referrals=True,
        is_manager=True,
        is_social_worker=True,
    )
    return UserFactory(username="reviewer", first_name="Priya", last_name="Shah", agency=social_care, role=role)
