"""Model versions: saving, activating, thresholds; the reference model is never missing."""

import pytest
from django.core.exceptions import ValidationError

from safeguarding.linkage.models import LinkageModel
from safeguarding.linkage.services import active_model
from safeguarding.linkage.training import (
    linkage_model_activate,
    linkage_model_save,
    linkage_thresholds_set,
    reference_settings,
)
from tests.factories import LinkageModelFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_with_no_model_at_all_the_reference_model_is_installed_again() -> None:
    LinkageModel.objects.all().delete()
    model, compiled = active_model()
    assert model.is_active and model.trained_on_records == 0
    assert compiled.prior_weight < 0


def test_a_new_version_becomes_the_only_active_one() -> None:
    first = LinkageModel.objects.get(is_active=True)
    second = linkage_model_save(settings=reference_settings(), records=5000, by=None)
    assert second.version == first.version + 1
    assert list(LinkageModel.objects.filter(is_active=True)) == [second]


def test_a_version_trained_for_other_comparisons_cannot_be_activated() -> None:
    old = LinkageModelFactory(splink_settings={"probability_two_random_records_match": 0.001, "comparisons": []})
    with pytest.raises(ValidationError, match="other comparisons"):
        linkage_model_activate(model=old, by=UserFactory())
    old.refresh_from_db()
    assert not old.is_active


def test_thresholds_must_leave_review_below_auto_link_and_give_a_reason() -> None:
    model = LinkageModel.objects.get(is_active=True)
    with pytest.raises(ValidationError) as refused:
        linkage_thresholds_set(model=model, auto_link_weight=8, review_weight=9, reason="", by=UserFactory())
    assert set(refused.value.message_dict) == {"auto_link_weight", "review_weight", "reason"}
    changed = linkage_thresholds_set(
        model=model, auto_link_weight=14, review_weight=5, reason="Fewer auto-links", by=UserFactory()
    )
    assert (changed.auto_link_weight, changed.review_weight) == (14, 5)
