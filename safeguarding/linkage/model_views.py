"""Model management (issue 4, item 5): the active linkage model and its match weights chart,
every version, making a version the active one, and changing a version's thresholds.

Only reviewers of identity links (`linkage.permissions.may_review_links`) see these pages;
anyone else gets 403, and the refusal is audited. Each page read is audited as a view; the
writes go through `linkage.training`, which audits them. Retraining is a command
(`manage.py linkage_train`): it reads the whole index for a while, which a web request must
not.

Wire with `path("model/", include(model_urlpatterns))` inside the `linkage` namespace.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from safeguarding.access.models import User
from safeguarding.audit.models import Action
from safeguarding.audit.services import audit_record
from safeguarding.core.forms import apply_service_errors
from safeguarding.linkage.engine import probability
from safeguarding.linkage.models import LinkageModel
from safeguarding.linkage.permissions import may_review_links
from safeguarding.linkage.scoring import CompiledModel
from safeguarding.linkage.templatetags.linkage_text import evidence
from safeguarding.linkage.training import MIN_TRAINING_RECORDS, linkage_model_activate, linkage_thresholds_set

# Bars longer than this many bits are drawn to the edge of the chart (the number beside
# them is the full weight): a level that all but rules a match out, such as two different
# NHS numbers, would otherwise shrink every other bar to a sliver.
CHART_LIMIT = 25.0
REASON_MAX = 2000
REASON_REQUIRED = "Enter why the thresholds are changing"  # the service's own words
# What a weight means, for the thresholds page.
WEIGHT_EXAMPLES = (3.0, 6.0, 10.0, 15.0, 20.0, 25.0)

View = Callable[..., HttpResponse]


def reviewer_required(what: str) -> Callable[[View], View]:
    """Reviewers of identity links only; a refusal is recorded like any other."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            assert isinstance(user, User)
            if not may_review_links(user):
                audit_record(actor=user, action=Action.DENIED, detail={"what": what})
                raise PermissionDenied("Only reviewers of identity links manage the linkage model")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


# --- What a model says, for people ----------------------------------------------------------


def precise_percent(p: float) -> str:
    """As few decimals as keep a probability below 100% from reading as a certainty:
    0.98462 -> "98.5%", 0.99999905 -> "99.9999%"."""
    for places in range(1, 12):
        text = f"{p * 100:.{places}f}"
        if float(text) < 100 or p >= 1:
            return f"{text}%"
    return f"{p * 100:.12f}%"


def _small_percent(p: float) -> str:
    """m and u probabilities, which run from near 1 down to millionths: two significant figures."""
    if p <= 0:
        return "0%"
    value = p * 100
    places = max(0, min(10, 1 - math.floor(math.log10(value))))
    return f"{value:.{places}f}%"


@dataclass(frozen=True)
class Threshold:
    weight: float
    probability: str  # "99.9999%"
    wrong: float  # the chance a pair at exactly this weight is not the same child

    @classmethod
    def of(cls, weight: float) -> Threshold:
        return cls(weight=weight, probability=precise_percent(probability(weight)), wrong=1 / (1 + 2.0**weight))


@dataclass(frozen=True)
class ChartLevel:
    label: str
    weight: float
    evidence: str
    m: str  # share of matching pairs at this level
    u: str  # share of non-matching pairs at this level
    bar: float  # bar length as a percentage of half the chart
    beyond: bool  # cut at the edge of the chart


@dataclass(frozen=True)
class ChartComparison:
    name: str
    description: str
    levels: tuple[ChartLevel, ...]


def weights_chart(model: LinkageModel, compiled: CompiledModel) -> list[ChartComparison]:
    """Each comparison's levels (the missing-value level left out: it never counts) with
    their weights, m and u probabilities and bar lengths."""
    trained = {c["output_column_name"]: c["comparison_levels"] for c in model.splink_settings["comparisons"]}
    chart = []
    for comparison, weights in compiled.weights:
        levels = []
        for level, weight, stored in zip(comparison.levels, weights, trained[comparison.name], strict=True):
            if level.is_null:
                continue
            length = min(abs(weight), CHART_LIMIT)
            levels.append(
                ChartLevel(
                    label=level.label,
                    weight=weight,
                    evidence=evidence(weight),
                    m=_small_percent(float(stored.get("m_probability") or 0)),
                    u=_small_percent(float(stored.get("u_probability") or 0)),
                    bar=round(100 * length / CHART_LIMIT, 1),
                    beyond=abs(weight) > CHART_LIMIT,
                )
            )
        chart.append(ChartComparison(name=comparison.name, description=comparison.description, levels=tuple(levels)))
    return chart


def _compiled(model: LinkageModel) -> CompiledModel | None:
    """None for a version this release cannot use (its comparisons have since changed)."""
    try:
        return CompiledModel(model.splink_settings)
    except (ValueError, KeyError, TypeError):
        return None


def _model_context(model: LinkageModel) -> dict[str, Any]:
    compiled = _compiled(model)
    prior = float(model.splink_settings.get("probability_two_random_records_match") or 0)
    return {
        "model": model,
        "usable": compiled is not None,
        "chart": weights_chart(model, compiled) if compiled else [],
        "chart_limit": CHART_LIMIT,
        "auto_link": Threshold.of(model.auto_link_weight),
        "review": Threshold.of(model.review_weight),
        "prior": prior,
        "prior_weight": compiled.prior_weight if compiled else None,
        "min_records": MIN_TRAINING_RECORDS,
    }


# --- Pages ----------------------------------------------------------------------------------


@require_GET
@reviewer_required("linkage model")
def model_active(request: HttpRequest) -> HttpResponse:
    model = LinkageModel.objects.select_related("trained_by").filter(is_active=True).first()
    audit_record(
        actor=_user(request),
        action=Action.VIEW,
        obj=model,
        detail={"what": "linkage model", "version": model.version if model else None},
    )
    if model is None:
        return render(request, "linkage/model_none.html")
    return render(request, "linkage/model_detail.html", _model_context(model))


@require_GET
@reviewer_required("linkage model version")
def model_version(request: HttpRequest, version: int) -> HttpResponse:
    model = get_object_or_404(LinkageModel.objects.select_related("trained_by"), version=version)
    audit_record(
        actor=_user(request), action=Action.VIEW, obj=model, detail={"what": "linkage model", "version": version}
    )
    return render(request, "linkage/model_detail.html", _model_context(model))


@require_GET
@reviewer_required("linkage model versions")
def model_versions(request: HttpRequest) -> HttpResponse:
    models = list(LinkageModel.objects.select_related("trained_by").order_by("-version"))
    audit_record(
        actor=_user(request), action=Action.VIEW, detail={"what": "linkage model versions", "versions": len(models)}
    )
    rows = [(m, Threshold.of(m.auto_link_weight), Threshold.of(m.review_weight)) for m in models]
    return render(request, "linkage/model_versions.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@reviewer_required("make a linkage model active")
def model_activate(request: HttpRequest, version: int) -> HttpResponse:
    user = _user(request)
    model = get_object_or_404(LinkageModel.objects.select_related("trained_by"), version=version)
    active = LinkageModel.objects.filter(is_active=True).first()
    refusal = ""
    if model.is_active:
        refusal = f"Version {model.version} is already the active model"
    elif _compiled(model) is None:
        refusal = (
            f"Version {model.version} was trained on comparisons this release no longer makes, so it cannot be "
            "used: train a new version with manage.py linkage_train"
        )
    if request.method == "POST" and not refusal:
        linkage_model_activate(model=model, by=user)
        messages.success(request, f"Version {model.version} is now the active model")
        return redirect("linkage:model")
    audit_record(
        actor=user, action=Action.VIEW, obj=model, detail={"what": "make a linkage model active", "version": version}
    )
    return render(
        request,
        "linkage/model_activate.html",
        {
            "model": model,
            "active": active,
            "refusal": refusal,
            "auto_link": Threshold.of(model.auto_link_weight),
            "review": Threshold.of(model.review_weight),
        },
    )


class ThresholdsForm(forms.Form):
    auto_link_weight = forms.FloatField(
        label="Auto-link threshold (match weight)",
        help_text="At or above this, a record from a feed or another system is linked to the child without a person",
        error_messages={
            "required": "Enter the auto-link threshold",
            "invalid": "Auto-link threshold must be a number, like 20",
        },
    )
    review_weight = forms.FloatField(
        label="Review threshold (match weight)",
        help_text="At or above this, a pair is shown to the person entering a record and queued for review",
        error_messages={
            "required": "Enter the review threshold",
            "invalid": "Review threshold must be a number, like 6",
        },
    )
    # Not required here: `linkage_thresholds_set` refuses a blank reason together with any
    # problem with the numbers, so that every problem is reported at once.
    reason = forms.CharField(
        label="Why are the thresholds changing?",
        help_text="For example, the review queue found 3 wrong auto-links at a weight of 21",
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": f"The reason must be {REASON_MAX} characters or fewer"},
    )


@require_http_methods(["GET", "POST"])
@reviewer_required("change linkage thresholds")
def model_thresholds(request: HttpRequest, version: int) -> HttpResponse:
    user = _user(request)
    model = get_object_or_404(LinkageModel, version=version)
    if request.method == "POST":
        form = ThresholdsForm(request.POST)
        if form.is_valid():
            try:
                linkage_thresholds_set(
                    model=model,
                    auto_link_weight=form.cleaned_data["auto_link_weight"],
                    review_weight=form.cleaned_data["review_weight"],
                    reason=form.cleaned_data["reason"],
                    by=user,
                )
            except ValidationError as exc:
                apply_service_errors(form, exc, {})
            else:
                messages.success(request, f"Thresholds of version {model.version} changed")
                return redirect(_version_url(model))
        elif not request.POST.get("reason", "").strip():
            # The numbers did not reach the service: say now that the reason is missing too.
            form.add_error("reason", REASON_REQUIRED)
    else:
        form = ThresholdsForm(
            initial={"auto_link_weight": model.auto_link_weight, "review_weight": model.review_weight}
        )
        audit_record(
            actor=user,
            action=Action.VIEW,
            obj=model,
            detail={"what": "change linkage thresholds", "version": version},
        )
    typed = getattr(form, "cleaned_data", {})
    return render(
        request,
        "linkage/model_thresholds.html",
        {
            "form": form,
            "typed": [
                (label, Threshold.of(typed[name]))
                for name, label in (("auto_link_weight", "auto-link"), ("review_weight", "review"))
                if typed.get(name) is not None
            ],
            "model": model,
            "auto_link": Threshold.of(model.auto_link_weight),
            "review": Threshold.of(model.review_weight),
            "examples": [Threshold.of(w) for w in WEIGHT_EXAMPLES],
            "back_url": _version_url(model),
        },
    )


def _version_url(model: LinkageModel) -> str:
    if model.is_active:
        return reverse("linkage:model")
    return reverse("linkage:model-version", args=[model.version])


model_urlpatterns = [
    path("", model_active, name="model"),
    path("versions/", model_versions, name="model-versions"),
    path("versions/<int:version>/", model_version, name="model-version"),
    path("versions/<int:version>/activate/", model_activate, name="model-activate"),
    path("versions/<int:version>/thresholds/", model_thresholds, name="model-thresholds"),
]
