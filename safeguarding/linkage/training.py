"""Model management: train on the index (no labelled data), keep each version, choose the
active one and its thresholds. Every change is audited."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from safeguarding.access.models import User
from safeguarding.audit.models import Action
from safeguarding.audit.services import audit_record
from safeguarding.linkage import engine
from safeguarding.linkage.index import iter_index
from safeguarding.linkage.models import LinkageModel
from safeguarding.linkage.scoring import CompiledModel

# Trained by `manage.py linkage_reference_model` on 100,000 synthetic records (seed 2023):
# what a new installation starts with until it trains on its own index.
REFERENCE_MODEL = Path(__file__).with_name("reference_model.json")

# Fewer children than this and EM has too few matches to learn from: keep the reference model.
MIN_TRAINING_RECORDS = 1000


def reference_settings() -> dict[str, Any]:
    settings: dict[str, Any] = json.loads(REFERENCE_MODEL.read_text())
    return settings


def _thresholds_errors(auto_link_weight: float, review_weight: float) -> dict[str, str]:
    errors = {}
    if review_weight >= auto_link_weight:
        errors["review_weight"] = "The review threshold must be below the auto-link threshold"
    if auto_link_weight < 10:
        # Below about 10 (probability 0.999) an auto-link is wrong more than 1 time in 1,000.
        errors["auto_link_weight"] = "The auto-link threshold must be at least 10 (a match probability of 0.999)"
    return errors


@transaction.atomic
def linkage_model_save(
    *,
    settings: dict[str, Any],
    records: int,
    by: User | None,
    auto_link_weight: float = engine.DEFAULT_AUTO_LINK_WEIGHT,
    review_weight: float = engine.DEFAULT_REVIEW_WEIGHT,
    activate: bool = True,
    notes: str = "",
) -> LinkageModel:
    errors = _thresholds_errors(auto_link_weight, review_weight)
    if errors:
        raise ValidationError(errors)
    CompiledModel(settings)  # refuses a model that does not match this version's comparisons
    version = (LinkageModel.objects.select_for_update().aggregate(v=Max("version"))["v"] or 0) + 1
    if activate:
        LinkageModel.objects.filter(is_active=True).update(is_active=False)
    model = LinkageModel.objects.create(
        version=version,
        splink_settings=settings,
        trained_by=by,
        trained_on_records=records,
        auto_link_weight=auto_link_weight,
        review_weight=review_weight,
        is_active=activate,
        notes=notes,
    )
    audit_record(
        actor=by,
        action=Action.CREATE,
        obj=model,
        detail={"version": version, "records": records, "active": activate, "notes": notes},
    )
    return model


def linkage_model_train(*, by: User | None, activate: bool = True) -> LinkageModel:
    """Train a new version on the whole index (outside a transaction: it reads for a while),
    then save it in one."""
    rows = list(iter_index())
    if len(rows) < MIN_TRAINING_RECORDS:
        needed = f"at least {MIN_TRAINING_RECORDS:,} are needed to train"
        raise ValidationError({"__all__": f"The index holds {len(rows):,} children: {needed}"})
    current = LinkageModel.objects.filter(is_active=True).first()
    result = engine.train(rows)
    return linkage_model_save(
        settings=result.settings,
        records=result.records,
        by=by,
        auto_link_weight=current.auto_link_weight if current else engine.DEFAULT_AUTO_LINK_WEIGHT,
        review_weight=current.review_weight if current else engine.DEFAULT_REVIEW_WEIGHT,
        activate=activate,
        notes=f"Trained on the index in {sum(result.timings.seconds.values()):.1f} s",
    )


def linkage_model_install_reference() -> LinkageModel:
    return linkage_model_save(
        settings=reference_settings(),
        records=0,
        by=None,
        notes="Reference model, trained on synthetic records: retrain on the index with manage.py linkage_train",
    )


@transaction.atomic
def linkage_model_activate(*, model: LinkageModel, by: User) -> LinkageModel:
    try:
        CompiledModel(model.splink_settings)
    except (ValueError, KeyError, TypeError) as exc:
        raise ValidationError(
            {"__all__": f"Version {model.version} was trained for other comparisons and cannot be used: {exc}"}
        ) from exc
    LinkageModel.objects.select_for_update().filter(is_active=True).exclude(pk=model.pk).update(is_active=False)
    model.is_active = True
    model.save(update_fields=["is_active"])
    audit_record(actor=by, action=Action.AMEND, obj=model, detail={"version": model.version, "active": True})
    return model


@transaction.atomic
def linkage_thresholds_set(
    *, model: LinkageModel, auto_link_weight: float, review_weight: float, reason: str, by: User
) -> LinkageModel:
    errors = _thresholds_errors(auto_link_weight, review_weight)
    if not reason.strip():
        errors["reason"] = "Enter why the thresholds are changing"
    if errors:
        raise ValidationError(errors)
    locked = LinkageModel.objects.select_for_update(of=("self",)).get(pk=model.pk)
    old = {"auto_link_weight": locked.auto_link_weight, "review_weight": locked.review_weight}
    locked.auto_link_weight = auto_link_weight
    locked.review_weight = review_weight
    locked.save(update_fields=["auto_link_weight", "review_weight"])
    audit_record(
        actor=by,
        action=Action.AMEND,
        obj=locked,
        reason=reason,
        detail={"old": old, "new": {"auto_link_weight": auto_link_weight, "review_weight": review_weight}},
    )
    return locked
