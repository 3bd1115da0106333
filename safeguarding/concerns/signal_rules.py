"""Signals: transparent rules over the multi-agency chronology.

A signal points a person at a pattern that no single agency sees on its own: concerns from
several agencies in a short time, an injury to a baby who cannot yet move about, repeated
A&E attendances, a concern about a child whose brother, sister or household has a child
protection plan, a child of compulsory school age with no school. Each signal says in
plain words why it was raised and which entries caused it. Signals are not scores and
never decide anything: the chronology, read by a person, does.

Rules are small classes registered in `RULES`. Their thresholds are defaults in code; a
`SignalRule` row (admin) overrides them, and `enabled=False` switches a rule off.

`signals_evaluate(child=...)` recomputes one child's findings as of now. A finding is
identified by its rule and its reason: one that is still found stays (it is not raised
twice), one that no longer holds is cleared (`cleared_at`), and a new one is raised with
its entries. The reason names the counts and dates, so when a pattern grows (a fourth
concern in the same weeks) the old wording is cleared and the new one raised: the page
always shows what is true now. Windowed patterns are looked for over the whole chronology,
because a late-recorded entry may complete a pattern in the past; rules about "the last D
days" or "now" (a current plan, a current school) need a daily run of
`manage.py signals_evaluate` to notice the passing of time.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, CharField, Count, F, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from safeguarding.audit.models import Action
from safeguarding.audit.services import audit_record
from safeguarding.concerns.models import AgencyEventKind, ChildSignal, ChronologyEntry, SignalRule
from safeguarding.people.models import (
    Child,
    ChildStatus,
    Relationship,
    RelationshipType,
    SchoolEnrolment,
    StatusPeriod,
)

logger = logging.getLogger(__name__)

SYSTEM_ACTOR = "signals"
CONCERN = "concern"
NOT_A_DECISION = "This is a pattern for a person to look at, not a decision."

Param = int | bool

# --------------------------------------------------------------------------------------
# Plain-words helpers


_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def format_date(d: date) -> str:
    """GOV.UK style: 2 March 2026."""
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def format_date_range(first: date, last: date) -> str:
    """'on 2 March 2026', 'between 2 and 20 March 2026', 'between 2 March and 5 April 2026'."""
    if first == last:
        return f"on {format_date(first)}"
    if (first.year, first.month) == (last.year, last.month):
        return f"between {first.day} and {format_date(last)}"
    if first.year == last.year:
        return f"between {first.day} {_MONTHS[first.month - 1]} and {format_date(last)}"
    return f"between {format_date(first)} and {format_date(last)}"


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    return f"{n} {singular if n == 1 else (plural_form or singular + 's')}"


def local_date(moment: datetime) -> date:
    return timezone.localdate(moment)


def months_between(start: date, end: date) -> int:
    """Whole months from `start` to `end` (as a person counts a baby's age)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return months


def age_in_words(dob: date, on: date) -> str:
    months = months_between(dob, on)
    if months >= 1:
        return plural(months, "month")
    days = (on - dob).days
    if days >= 7:
        return plural(days // 7, "week")
    return plural(days, "day")


def _agency_names(entries: Iterable[ChronologyEntry]) -> list[str]:
    """Agency names in the order they first appear."""
    names: dict[int, str] = {}
    for e in entries:
        names.setdefault(e.agency_id, str(e.agency))
    return list(names.values())


# --------------------------------------------------------------------------------------
# Compulsory school age (Education Act 1996 s8; the Education (Start of Compulsory School
# Age) Order 1998 prescribes 31 December, 31 March and 31 August; the school leaving date
# is the last Friday in June of the school year in which the child turns 16).


def _birthday(dob: date, year: int) -> date:
    try:
        return dob.replace(year=year)
    except ValueError:  # 29 February in a common year
        return date(year, 3, 1)


def compulsory_school_age_starts(dob: date) -> date:
    fifth = _birthday(dob, dob.year + 5)
    for candidate in (date(fifth.year, 3, 31), date(fifth.year, 8, 31), date(fifth.year, 12, 31)):
        if candidate >= fifth:
            return candidate
    raise AssertionError("unreachable: 31 December is the last day of the year")


def _last_friday_in_june(year: int) -> date:
    d = date(year, 6, 30)
    return d - timedelta(days=(d.weekday() - 4) % 7)


def compulsory_school_age_ends(dob: date) -> date:
    """The last day of compulsory school age (the child is still of that age on it)."""
    sixteenth = _birthday(dob, dob.year + 16)
    # The school year runs 1 September to 31 August; it ends in June of year `leaving`.
    leaving = sixteenth.year + 1 if sixteenth.month >= 9 else sixteenth.year
    return _last_friday_in_june(leaving)


def is_of_compulsory_school_age(dob: date | None, on: date) -> bool:
    if dob is None:
        return False
    return compulsory_school_age_starts(dob) <= on <= compulsory_school_age_ends(dob)


# --------------------------------------------------------------------------------------
# Windows: runs of entries within D days of each other


def episodes(
    entries: Sequence[ChronologyEntry], *, min_count: int, days: int, min_agencies: int = 1
) -> list[list[ChronologyEntry]]:
    """Groups of entries in which at least `min_count` entries from at least `min_agencies`
    agencies fall within `days` days of each other (by local calendar date: 2 March and
    30 March are 28 days apart). Overlapping qualifying windows are one episode.

    Any qualifying set of entries lies inside the window that starts at its earliest
    entry, and counts only grow with the window, so checking the window that starts at
    each entry finds every pattern. Every entry returned belongs to a qualifying window.
    """
    ordered = sorted(entries, key=lambda e: (local_date(e.occurred_at), e.pk or 0))
    dates = [local_date(e.occurred_at) for e in ordered]
    found: list[tuple[int, int]] = []
    end = 0
    for start in range(len(ordered)):
        end = max(end, start)
        while end < len(ordered) and (dates[end] - dates[start]).days <= days:
            end += 1
        window = ordered[start:end]
        if len(window) < min_count or len({e.agency_id for e in window}) < min_agencies:
            continue
        if found and start < found[-1][1]:
            found[-1] = (found[-1][0], end)
        else:
            found.append((start, end))
    return [ordered[a:b] for a, b in found]


# --------------------------------------------------------------------------------------
# Rules


@dataclass(frozen=True)
class Finding:
    """One pattern found: the rule, the reason in plain words, and the entries that caused it."""

    rule: str
    reason: str
    entries: tuple[ChronologyEntry, ...] = ()

    @property
    def key(self) -> tuple[str, str]:
        return (self.rule, self.reason)


@dataclass(frozen=True)
class HouseholdPlan:
    """A related child with an active child protection plan, as seen from the evaluated child."""

    related_child_id: int
    who: str  # "A sibling", "A half-sibling", "A child in the same household"
    status: str
    started_on: date


_SIBLING_TYPES = {RelationshipType.SIBLING.value: "A sibling", RelationshipType.HALF_SIBLING.value: "A half-sibling"}
_PLAN_WORDS = {
    ChildStatus.CHILD_PROTECTION_PLAN.value: "a child protection plan",
    ChildStatus.UNBORN_PLAN.value: "a pre-birth (unborn child) protection plan",
}


class EvaluationContext:
    """What rules need beyond the child's entries, loaded once and only if a rule asks."""

    def __init__(self, child: Child, now: datetime) -> None:
        self.child = child
        self.now = now
        self.today = timezone.localdate(now)

    @cached_property
    def has_current_school(self) -> bool:
        today = self.today
        return SchoolEnrolment.objects.filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=today), child=self.child, started_on__lte=today
        ).exists()

    @cached_property
    def household_plans(self) -> list[HouseholdPlan]:
        """Brothers and sisters, and children living in the same household, who have an
        active child protection plan today. A relationship may be recorded from either
        child's side, so both directions are read."""
        today = self.today
        current = Q(ended_on__isnull=True) | Q(ended_on__gte=today)
        rows = Relationship.objects.filter(
            current, Q(child=self.child, related_child__isnull=False) | Q(related_child=self.child)
        ).values_list("child_id", "related_child_id", "relationship", "lives_with_child")
        who: dict[int, str] = {}
        for child_id, related_id, relationship, lives_with in rows:
            other = related_id if child_id == self.child.pk else child_id
            if other is None or other == self.child.pk:
                continue
            label = _SIBLING_TYPES.get(relationship) or ("A child in the same household" if lives_with else None)
            if label is not None and (other not in who or who[other] == "A child in the same household"):
                who[other] = label
        if not who:
            return []
        periods = (
            StatusPeriod.objects.filter(
                Q(ended_on__isnull=True) | Q(ended_on__gte=today),
                child_id__in=who,
                status__in=list(_PLAN_WORDS),
                started_on__lte=today,
            )
            .order_by("started_on", "child_id", "id")
            .values_list("child_id", "status", "started_on")
        )
        plans: dict[int, HouseholdPlan] = {}
        for child_id, status, started_on in periods:
            plans.setdefault(child_id, HouseholdPlan(child_id, who[child_id], status, started_on))
        return sorted(plans.values(), key=lambda p: (p.started_on, p.related_child_id))


class Rule:
    """A signal rule. Subclasses set key, title and defaults and implement evaluate()."""

    key: ClassVar[str]
    title: ClassVar[str]
    defaults: ClassVar[dict[str, Param]]
    # Smallest value each integer parameter may take.
    minimums: ClassVar[dict[str, int]] = {}

    def __init__(self, params: Mapping[str, Any] | None = None) -> None:
        self.params: dict[str, Param] = {**self.defaults, **(params or {})}

    def p(self, name: str) -> int:
        return int(self.params[name])

    def describe(self) -> str:
        """What the rule looks for, in plain words, with the thresholds in force."""
        raise NotImplementedError

    def evaluate(self, child: Child, entries: Sequence[ChronologyEntry], context: EvaluationContext) -> list[Finding]:
        raise NotImplementedError


RULES: dict[str, type[Rule]] = {}


def register(rule: type[Rule]) -> type[Rule]:
    if rule.key in RULES and RULES[rule.key] is not rule:
        raise ValueError(f"Signal rule {rule.key!r} is registered twice")
    RULES[rule.key] = rule
    return rule


@register
class MultiAgencyConcerns(Rule):
    key = "multi_agency_concerns"
    title = "Concerns from several agencies"
    defaults = {"min_concerns": 3, "min_agencies": 2, "days": 28}
    minimums = {"min_concerns": 2, "min_agencies": 1, "days": 1}

    def describe(self) -> str:
        return (
            f"At least {plural(self.p('min_concerns'), 'concern')} from at least "
            f"{plural(self.p('min_agencies'), 'different agency', 'different agencies')} "
            f"within {plural(self.p('days'), 'day')}."
        )

    def evaluate(self, child: Child, entries: Sequence[ChronologyEntry], context: EvaluationContext) -> list[Finding]:
        concerns = [e for e in entries if e.kind == CONCERN]
        findings = []
        for group in episodes(
            concerns, min_count=self.p("min_concerns"), min_agencies=self.p("min_agencies"), days=self.p("days")
        ):
            agencies = _agency_names(group)
            reason = (
                f"{plural(len(group), 'concern')} from {plural(len(agencies), 'agency', 'agencies')} "
                f"({', '.join(agencies)}) "
                f"{format_date_range(local_date(group[0].occurred_at), local_date(group[-1].occurred_at))}"
            )
            findings.append(Finding(self.key, reason, tuple(group)))
        return findings


@register
class InjuryNonMobileBaby(Rule):
    key = "injury_non_mobile_baby"
    title = "Injury to a baby who is not yet mobile"
    # Local protocols on bruising in non-mobile babies commonly use "under 6 months" as the
    # proxy for "not independently mobile"; partnerships set their own (UNCONFIRMED).
    defaults = {"under_months": 6}
    minimums = {"under_months": 1}

    def describe(self) -> str:
        return (
            f"Any injury recorded for a baby younger than {plural(self.p('under_months'), 'month')} "
            "(not yet independently mobile), by any agency."
        )

    def evaluate(self, child: Child, entries: Sequence[ChronologyEntry], context: EvaluationContext) -> list[Finding]:
        dob = child.date_of_birth
        if dob is None:
            return []
        findings = []
        for e in entries:
            on = local_date(e.occurred_at)
            if not e.injury or on < dob or months_between(dob, on) >= self.p("under_months"):
                continue
            reason = (
                f"Injury recorded for a baby aged {age_in_words(dob, on)} on {format_date(on)} ({e.agency}), "
                "who is not yet independently mobile (bruising or injury in non-mobile babies needs a "
                "medical explanation)"
            )
            findings.append(Finding(self.key, reason, (e,)))
        return findings


class _RepeatedEvents(Rule):
    """At least N entries of one kind within D days, from any agencies."""

    event_kind: ClassVar[str]
    event_words: ClassVar[tuple[str, str]]  # singular, plural

    def describe(self) -> str:
        one, many = self.event_words
        return f"At least {plural(self.p('min_count'), one, many)} within {plural(self.p('days'), 'day')}."

    def evaluate(self, child: Child, entries: Sequence[ChronologyEntry], context: EvaluationContext) -> list[Finding]:
        events = [e for e in entries if e.kind == self.event_kind]
        findings = []
        for group in episodes(events, min_count=self.p("min_count"), days=self.p("days")):
            one, many = self.event_words
            reason = (
                f"{plural(len(group), one, many)} "
                f"{format_date_range(local_date(group[0].occurred_at), local_date(group[-1].occurred_at))} "
                f"({', '.join(_agency_names(group))})"
            )
            findings.append(Finding(self.key, reason, tuple(group)))
        return findings


@register
class RepeatedAE(_RepeatedEvents):
    key = "repeated_ae"
    title = "Repeated A&E attendances"
    defaults = {"min_count": 3, "days": 365}
    minimums = {"min_count": 2, "days": 1}
    event_kind = AgencyEventKind.AE_ATTENDANCE.value
    event_words = ("A&E attendance", "A&E attendances")


@register
class RepeatedMissing(_RepeatedEvents):
    key = "repeated_missing"
    title = "Repeated missing episodes"
    # Many partnerships hold a review after 3 missing episodes in 90 days (local, UNCONFIRMED).
    defaults = {"min_count": 3, "days": 90}
    minimums = {"min_count": 2, "days": 1}
    event_kind = AgencyEventKind.MISSING_EPISODE.value
    event_words = ("missing episode", "missing episodes")


@register
class HouseholdCPPlan(Rule):
    key = "household_cp_plan"
    title = "Child protection plan in the family or household"
    defaults = {"days": 365}
    minimums = {"days": 1}

    def describe(self) -> str:
        return (
            f"A concern in the last {plural(self.p('days'), 'day')} about a child whose brother, sister or "
            "another child living in the same household has a child protection plan now."
        )

    def evaluate(self, child: Child, entries: Sequence[ChronologyEntry], context: EvaluationContext) -> list[Finding]:
        since = context.today - timedelta(days=self.p("days"))
        recent = [e for e in entries if e.kind == CONCERN and local_date(e.occurred_at) >= since]
        if not recent:  # no query about the family unless there is a recent concern
            return []
        plans = context.household_plans
        if not plans:
            return []
        # The related child is not named: whoever sees this child may not see that one.
        sentences = [f"{p.who} has had {_PLAN_WORDS[p.status]} since {format_date(p.started_on)}." for p in plans]
        sentences.append(
            f"{plural(len(recent), 'concern')} about this child "
            f"{'was' if len(recent) == 1 else 'were'} recorded in the last {plural(self.p('days'), 'day')}."
        )
        return [Finding(self.key, " ".join(sentences), tuple(recent))]


@register
class MissingEducation(Rule):
    key = "missing_education"
    title = "May be missing education"
    defaults = {"days": 365, "check_enrolment": True}
    minimums = {"days": 1}

    def describe(self) -> str:
        text = f"A record of the child missing education in the last {plural(self.p('days'), 'day')}"
        if self.params["check_enrolment"]:
            text += (
                ", or no current school for a child of compulsory school age (from the 31 December, 31 March "
                "or 31 August after their 5th birthday until the last Friday in June of the school year "
                "in which they turn 16)"
            )
        return text + "."

    def evaluate(self, child: Child, entries: Sequence[ChronologyEntry], context: EvaluationContext) -> list[Finding]:
        findings = []
        since = context.today - timedelta(days=self.p("days"))
        recorded = [
            e
            for e in entries
            if e.kind == AgencyEventKind.MISSING_EDUCATION.value and local_date(e.occurred_at) >= since
        ]
        if recorded:
            latest = recorded[-1]
            when = f"on {format_date(local_date(latest.occurred_at))} ({latest.agency})"
            if len(recorded) == 1:
                reason = f"Recorded as missing education {when}"
            else:
                reason = (
                    f"Recorded as missing education {plural(len(recorded), 'time')} in the last "
                    f"{plural(self.p('days'), 'day')}, most recently {when}"
                )
            findings.append(Finding(self.key, reason, tuple(recorded)))
        if (
            self.params["check_enrolment"]
            and child.date_of_death is None
            and is_of_compulsory_school_age(child.date_of_birth, context.today)
            and not context.has_current_school
        ):
            findings.append(
                Finding(
                    self.key,
                    "No current school is recorded for this child, who is of compulsory school age. "
                    "Check whether the child is on a school roll or educated at home.",
                )
            )
        return findings


# --------------------------------------------------------------------------------------
# Settings: defaults in code, SignalRule rows override


def rule_params_validate(key: str, params: Mapping[str, Any]) -> dict[str, Param]:
    """Check an admin's thresholds for one rule; raises ValidationError in plain words."""
    if key not in RULES:
        raise ValidationError({"key": f"There is no signal rule called {key!r}"})
    rule = RULES[key]
    if not isinstance(params, Mapping):
        raise ValidationError({"params": 'Enter the thresholds as an object, for example {"days": 28}'})
    errors: list[str] = []
    clean: dict[str, Param] = {}
    for name, value in params.items():
        if name not in rule.defaults:
            errors.append(f"{name!r} is not a threshold of this rule (it has {', '.join(sorted(rule.defaults))})")
            continue
        default = rule.defaults[name]
        if isinstance(default, bool):
            if not isinstance(value, bool):
                errors.append(f"{name!r} must be true or false")
                continue
        elif isinstance(value, bool) or not isinstance(value, int):
            errors.append(f"{name!r} must be a whole number")
            continue
        elif value < rule.minimums.get(name, 1):
            errors.append(f"{name!r} must be {rule.minimums.get(name, 1)} or more")
            continue
        clean[name] = value
    if errors:
        raise ValidationError({"params": errors})
    return clean


@dataclass(frozen=True)
class RuleSetting:
    rule: Rule
    enabled: bool


def rule_settings() -> list[RuleSetting]:
    """Every registered rule with the thresholds in force (one query)."""
    rows = {r.key: r for r in SignalRule.objects.all()}
    settings = []
    for key, rule_class in RULES.items():
        row = rows.get(key)
        params: dict[str, Param] = {}
        if row is not None:
            try:
                params = rule_params_validate(key, row.params or {})
            except ValidationError:
                # A bad threshold must not stop concerns being recorded: use the defaults.
                logger.warning("signal rule %s has invalid params; using defaults", key)
        settings.append(RuleSetting(rule_class(params), row.enabled if row is not None else True))
    return settings


def rule_titles() -> dict[str, str]:
    return {key: rule.title for key, rule in RULES.items()}


# --------------------------------------------------------------------------------------
# Evaluation


@dataclass
class Evaluation:
    raised: list[ChildSignal] = field(default_factory=list)
    kept: list[ChildSignal] = field(default_factory=list)
    cleared: list[ChildSignal] = field(default_factory=list)


def child_findings(child: Child, *, settings: list[RuleSetting] | None = None) -> list[Finding]:
    """What the enabled rules find in the child's chronology as of now; writes nothing."""
    settings = rule_settings() if settings is None else settings
    entries = list(ChronologyEntry.objects.filter(child=child).select_related("agency").order_by("occurred_at", "id"))
    context = EvaluationContext(child, timezone.now())
    merged: dict[tuple[str, str], Finding] = {}
    for setting in settings:
        if not setting.enabled:
            continue
        for finding in setting.rule.evaluate(child, entries, context):
            same = merged.get(finding.key)
            if same is not None:  # two entries with the same wording: one signal, both entries
                seen = {e.pk for e in same.entries}
                finding = Finding(
                    finding.rule, finding.reason, same.entries + tuple(e for e in finding.entries if e.pk not in seen)
                )
            merged[finding.key] = finding
    return list(merged.values())


@transaction.atomic
def signals_evaluate(*, child: Child) -> Evaluation:
    """Recompute the child's signals as of now: keep, raise and clear (idempotent).

    Runs in the caller's transaction (concern_record, agency_event_record), in a bounded
    number of queries whatever the length of the chronology.
    """
    # Two people recording about one child at once must not raise the same signal twice.
    list(Child.objects.select_for_update().filter(pk=child.pk).values_list("pk", flat=True))
    findings = child_findings(child)
    through = ChildSignal.entries.through
    existing = list(
        ChildSignal.objects.filter(child=child, cleared_at__isnull=True)
        .order_by("raised_at", "id")
        .prefetch_related(Prefetch("entries", queryset=ChronologyEntry.objects.only("id")))
    )
    by_key: dict[tuple[str, str], ChildSignal] = {}
    result = Evaluation()
    for signal in existing:
        if (signal.rule, signal.reason) in by_key:
            result.cleared.append(signal)  # a duplicate from before: keep the oldest
        else:
            by_key[(signal.rule, signal.reason)] = signal
    now = timezone.now()
    links: list[Any] = []
    relinked: list[int] = []
    for finding in findings:
        wanted = {e.pk for e in finding.entries}
        same = by_key.pop(finding.key) if finding.key in by_key else None
        if same is not None:
            result.kept.append(same)
            if {e.pk for e in same.entries.all()} != wanted:
                relinked.append(same.pk)
                links += [through(childsignal_id=same.pk, chronologyentry_id=pk) for pk in sorted(wanted)]
            continue
        signal = ChildSignal.objects.create(child=child, rule=finding.rule, reason=finding.reason, raised_at=now)
        links += [through(childsignal_id=signal.pk, chronologyentry_id=pk) for pk in sorted(wanted)]
        result.raised.append(signal)
    result.cleared += by_key.values()
    if relinked:
        through.objects.filter(childsignal_id__in=relinked).delete()
    if links:
        through.objects.bulk_create(links)
    if result.cleared:
        ChildSignal.objects.filter(pk__in=[s.pk for s in result.cleared]).update(cleared_at=now)
        for s in result.cleared:
            s.cleared_at = now
    if result.raised or result.cleared or relinked:
        audit_record(
            actor=SYSTEM_ACTOR,
            action=Action.CREATE if result.raised else Action.AMEND,
            child=child,
            detail={
                "what": "signals",
                "raised": [{"signal": s.pk, "rule": s.rule} for s in result.raised],
                "cleared": [{"signal": s.pk, "rule": s.rule} for s in result.cleared],
                "entries_changed": relinked,
            },
        )
    return result


def related_child_ids(child: Child) -> set[int]:
    """Children recorded as related to this one, from either side, current or ended."""
    rows = Relationship.objects.filter(
        Q(child=child, related_child__isnull=False) | Q(related_child=child)
    ).values_list("child_id", "related_child_id")
    return {other for pair in rows for other in pair if other is not None and other != child.pk}


@transaction.atomic
def signals_evaluate_household(*, child: Child) -> dict[int, Evaluation]:
    """Evaluate the child and every related child: call it when a child's status (a child
    protection plan starting or ending) or a relationship changes, because the household
    rule of the relatives depends on it."""
    results = {child.pk: signals_evaluate(child=child)}
    for relative in Child.objects.filter(pk__in=related_child_ids(child)).order_by("pk"):
        results[relative.pk] = signals_evaluate(child=relative)
    return results


def signals_evaluate_all(*, batch_size: int = 500) -> tuple[int, int, int]:
    """Re-evaluate every child (daily, and after thresholds change). Each child in its own
    transaction. Returns (children, raised, cleared)."""
    children = raised = cleared = 0
    last_pk = 0
    while True:
        batch = list(Child.objects.filter(pk__gt=last_pk).order_by("pk")[:batch_size])
        if not batch:
            return children, raised, cleared
        for child in batch:
            result = signals_evaluate(child=child)
            children += 1
            raised += len(result.raised)
            cleared += len(result.cleared)
            last_pk = child.pk


# --------------------------------------------------------------------------------------
# Reads


def with_rule_titles(qs: QuerySet[ChildSignal]) -> QuerySet[ChildSignal]:
    """Annotate `rule_title` in the query itself (no lookups per row)."""
    return qs.annotate(
        rule_title=Case(
            *[When(rule=key, then=Value(title)) for key, title in rule_titles().items()],
            default=F("rule"),
            output_field=CharField(),
        )
    )


def active_signals() -> QuerySet[ChildSignal]:
    """Signals not cleared, of rules that are switched on now."""
    disabled = SignalRule.objects.filter(enabled=False).values("key")
    return with_rule_titles(ChildSignal.objects.filter(cleared_at__isnull=True).exclude(rule__in=disabled))


SIGNAL_ENTRIES_SHOWN = 5


def child_signals(child: Child, *, visible_entries: QuerySet[ChronologyEntry] | None = None) -> QuerySet[ChildSignal]:
    """The child's active signals, newest first, each with the most recent entries behind it.

    Pass `visible_entries` (access.permissions.entries_visible_to(user, child, basis)) so
    that a practitioner is linked only to entries they may read. `entry_count` counts every
    entry behind the signal and `visible_count` those the reader may see, so the panel can
    say that others exist. At most SIGNAL_ENTRIES_SHOWN entries are loaded per signal: a
    long history (a hundred A&E attendances) points at the chronology, not a list of links.
    """
    entries = visible_entries if visible_entries is not None else ChronologyEntry.objects.all()
    return (
        active_signals()
        .filter(child=child)
        .annotate(
            entry_count=Count("entries", distinct=True),
            visible_count=Count("entries", filter=Q(entries__in=entries.values("pk")), distinct=True),
        )
        .order_by("-raised_at", "-id")
        .prefetch_related(
            Prefetch(
                "entries",
                queryset=entries.select_related("agency").order_by("-occurred_at", "-id")[:SIGNAL_ENTRIES_SHOWN],
                to_attr="recent_entries",
            )
        )
    )
