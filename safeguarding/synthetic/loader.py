"""Write a planned local authority to the database, fast.

A loader, not a user action: it writes with bulk_create in batches inside one transaction
(all or nothing, so `--if-empty` can trust what it finds), and one audit event for the
whole load instead of one per row. What it writes is row for row what the services would
have written: each concern and agency event has its ChronologyEntry (built the way
concerns.chronology.chronology_record builds it) and ChronologyCategory rows, each agency
that recorded about a child has a "recorded" ChildInvolvement from its first record, and
each ChildName carries its search keys (people.services.name_row).
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, TypeVar

from django.db import models, transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguarding.access.models import Agency, ChildInvolvement, ChildTeamMembership, Role, Team, User
from safeguarding.audit.models import Action
from safeguarding.audit.services import audit_record
from safeguarding.concerns.models import AgencyEvent, ChronologyCategory, ChronologyEntry, Concern
from safeguarding.concerns.services import concern_summary
from safeguarding.pathway.projection import clock_rows_rebuild
from safeguarding.people.models import (
    Address,
    Child,
    ChildAddress,
    ChildName,
    Person,
    Relationship,
    SchoolEnrolment,
    StatusPeriod,
)
from safeguarding.people.services import name_row
from safeguarding.synthetic.demo import DEMO_PASSWORD, DEVICE_NAME, demo_totp_key
from safeguarding.synthetic.families import Planner
from safeguarding.synthetic.pathway_loader import PathwayWriter
from safeguarding.synthetic.plan import (
    ChildPlan,
    Config,
    EntryPlan,
    Household,
    World,
    fingerprint,
    fingerprint_lines,
    plan_world,
)
from safeguarding.synthetic.reference import TOWN

BATCH_SIZE = 2000
M = TypeVar("M", bound=models.Model)


def _bulk(model: type[M], rows: Sequence[M]) -> Sequence[M]:
    if rows:
        model._default_manager.bulk_create(rows, batch_size=BATCH_SIZE)
    return rows


@dataclass
class LoadResult:
    children: int = 0
    concerns: int = 0
    agency_events: int = 0
    contacts: int = 0
    referrals: int = 0
    agencies: int = 0
    practitioners: int = 0
    fingerprint: str = ""
    children_with_entries: list[int] = field(default_factory=list)


class Loader:
    def __init__(self, cfg: Config) -> None:
        self.cfg = cfg
        self.agencies: dict[str, Agency] = {}
        self.users: dict[str, User] = {}
        self.result = LoadResult()
        self._lines: list[str] = []

    # --- reference data: roles, agencies, teams, practitioners --------------------------------

    def load_world(self, world: World) -> None:
        roles = {}
        for plan in world.roles:
            role, created = Role.objects.get_or_create(key=plan.key, defaults={"name": plan.name, **plan.flags()})
            if not created and any(getattr(role, k) != v for k, v in plan.flags().items()):
                # Reference data from before a flag existed: bring it up to date.
                for k, v in plan.flags().items():
                    setattr(role, k, v)
                role.save(update_fields=list(plan.flags()))
            roles[plan.key] = role

        names = [a.name for a in world.agencies.values()]
        existing = set(Agency.objects.filter(name__in=names).values_list("name", flat=True))
        _bulk(
            Agency,
            [
                Agency(
                    name=a.name,
                    kind=a.kind,
                    code=a.code,
                    postcode=a.postcode,
                    phone=a.phone,
                    secure_email=a.secure_email,
                )
                for a in world.agencies.values()
                if a.name not in existing
            ],
        )
        by_name = {a.name: a for a in Agency.objects.filter(name__in=names)}
        self.agencies = {key: by_name[a.name] for key, a in world.agencies.items()}

        wanted = {(self.agencies[key].pk, team) for key, a in world.agencies.items() for team in a.teams}
        have = set(Team.objects.filter(agency__in=self.agencies.values()).values_list("agency_id", "name"))
        _bulk(Team, [Team(agency_id=agency_id, name=name) for agency_id, name in sorted(wanted - have)])
        teams = {(t.agency_id, t.name): t for t in Team.objects.filter(agency__in=self.agencies.values())}

        usernames = [p.username for p in world.practitioners]
        have_users = set(User.objects.filter(username__in=usernames).values_list("username", flat=True))
        new_users = []
        for p in world.practitioners:
            if p.username in have_users:
                continue
            agency = self.agencies[p.agency]
            user = User(
                username=p.username,
                first_name=p.first_name,
                last_name=p.last_name,
                email=p.email,
                agency=agency,
                team=teams[(agency.pk, p.team)],
                role=roles[p.role],
                job_title=p.job_title,
                phone=agency.phone,
            )
            if p.demo:
                user.set_password(DEMO_PASSWORD)
            else:
                user.set_unusable_password()
            new_users.append(user)
        _bulk(User, new_users)
        self.users = {u.username: u for u in User.objects.filter(username__in=usernames)}
        for p in world.practitioners:
            if p.demo:
                TOTPDevice.objects.update_or_create(
                    user=self.users[p.username],
                    name=DEVICE_NAME,
                    defaults={"key": demo_totp_key(p.username), "confirmed": True},
                )
        self.result.agencies = len(self.agencies)
        self.result.practitioners = len(self.users)

    # --- children, families, histories --------------------------------------------------------------

    def load_households(self, households: list[Household]) -> int:
        children = [c for hh in households for c in hh.children]
        addresses = {id(a): a for c in children for a, _, _ in c.addresses}
        people = {id(r.person): r.person for c in children for r in c.relationships if r.person is not None}

        address_rows = _bulk(
            Address,
            [
                Address(line1=a.line1, line2=a.line2, town=TOWN, postcode=a.postcode, uprn=a.uprn)
                for a in addresses.values()
            ],
        )
        for address_plan, address_row in zip(addresses.values(), address_rows, strict=True):
            address_plan.pk = address_row.pk
        person_rows = _bulk(
            Person,
            [
                Person(first_name=p.first_name, last_name=p.last_name, date_of_birth=p.date_of_birth, phone=p.phone)
                for p in people.values()
            ],
        )
        for person_plan, person_row in zip(people.values(), person_rows, strict=True):
            person_plan.pk = person_row.pk

        now = self.cfg.now
        child_rows = _bulk(Child, [self._child(c, now) for c in children])
        for plan, child in zip(children, child_rows, strict=True):
            plan.pk = child.pk

        names, homes, relationships, enrolments, statuses, involvements, teams = [], [], [], [], [], [], []
        for plan, child in zip(children, child_rows, strict=True):
            for n in plan.names:
                names.append(
                    name_row(
                        child=child,
                        first_name=n.first_name,
                        last_name=n.last_name,
                        kind=n.kind,
                        middle_names=n.middle_names,
                        used_from=n.used_from,
                        used_to=n.used_to,
                    )
                )
            for address, moved_in, moved_out in plan.addresses:
                assert address.pk is not None
                homes.append(ChildAddress(child=child, address_id=address.pk, moved_in=moved_in, moved_out=moved_out))
            for r in plan.relationships:
                relationships.append(
                    Relationship(
                        child=child,
                        relationship=r.relationship,
                        person_id=r.person.pk if r.person else None,
                        related_child_id=r.related_child.pk if r.related_child else None,
                        lives_with_child=r.lives_with_child,
                        parental_responsibility=r.parental_responsibility,
                        started_on=r.started_on,
                        ended_on=r.ended_on,
                    )
                )
            for school, started, ended in plan.enrolments:
                enrolments.append(
                    SchoolEnrolment(child=child, school=self.agencies[school], started_on=started, ended_on=ended)
                )
            for status, started, ended, category in plan.statuses:
                statuses.append(
                    StatusPeriod(child=child, status=status, started_on=started, ended_on=ended, category=category)
                )
            for (agency, basis), (started, ended) in plan.involvements.items():
                involvements.append(
                    ChildInvolvement(
                        child=child, agency=self.agencies[agency], basis=basis, started_on=started, ended_on=ended
                    )
                )
            for practitioner, capacity, started in plan.team:
                teams.append(
                    ChildTeamMembership(
                        child=child,
                        practitioner=self.users[practitioner.username],
                        capacity=capacity,
                        started_at=self._moment(started),
                    )
                )
        for model, rows in (
            (ChildName, names),
            (ChildAddress, homes),
            (Relationship, relationships),
            (SchoolEnrolment, enrolments),
            (StatusPeriod, statuses),
            (ChildInvolvement, involvements),
            (ChildTeamMembership, teams),
        ):
            _bulk(model, rows)  # type: ignore[arg-type]

        self._load_entries(children, child_rows)
        written = PathwayWriter(self.users, self.agencies).write(children, self.cfg.now)
        self.result.contacts += written.contacts
        self.result.referrals += written.referrals
        self._lines.extend(fingerprint_lines(children))
        self.result.children += len(children)
        return len(children)

    def _child(self, c: ChildPlan, now: datetime) -> Child:
        return Child(
            la_child_id=c.la_child_id,
            nhs_number=c.nhs_number,
            upn=c.upn,
            date_of_birth=c.date_of_birth,
            expected_date_of_birth=c.expected_date_of_birth,
            sex=c.sex,
            ethnicity=c.ethnicity,
            disabilities=c.disabilities,
            display_name=c.display_name,
            current_postcode=c.current_postcode,
            created_at=now,
        )

    def _moment(self, day: date) -> datetime:
        return datetime.combine(day, time(9, 0), tzinfo=self.cfg.now.tzinfo)

    def _load_entries(self, children: list[ChildPlan], child_rows: Sequence[Child]) -> None:
        concerns: list[tuple[Child, EntryPlan, Concern]] = []
        events: list[tuple[Child, EntryPlan, AgencyEvent]] = []
        for plan, child in zip(children, child_rows, strict=True):
            if plan.entries or plan.pathway.entries:
                self.result.children_with_entries.append(child.pk)
            for e in plan.entries:
                agency = self.agencies[e.agency]
                author = self.users[e.author.username] if e.author else None
                if e.source == "concern":
                    assert author is not None
                    concern = Concern(
                        child=child,
                        agency=agency,
                        author=author,
                        occurred_at=e.occurred_at,
                        recorded_at=e.recorded_at,
                        what_happened=e.text,
                        childs_words=e.childs_words,
                        categories=e.categories,
                        immediate_danger=e.immediate_danger,
                        action_taken=e.action_taken,
                        injury_locations=e.injury_locations,
                        injury_description=e.injury_description,
                    )
                    concerns.append((child, e, concern))
                else:
                    event = AgencyEvent(
                        child=child,
                        agency=agency,
                        author=author,
                        kind=e.kind,
                        occurred_at=e.occurred_at,
                        recorded_at=e.recorded_at,
                        summary=e.text,
                        injury=e.injury,
                        categories=e.categories,
                        source_reference=e.source_reference,
                    )
                    events.append((child, e, event))
        _bulk(Concern, [c for _, _, c in concerns])
        _bulk(AgencyEvent, [ev for _, _, ev in events])

        entries: list[ChronologyEntry] = []
        for child, _plan, concern in concerns:
            entries.append(
                self._entry(
                    child=child,
                    kind="concern",
                    source=concern,
                    agency=concern.agency,
                    author=concern.author,
                    author_label="",
                    occurred_at=concern.occurred_at,
                    recorded_at=concern.recorded_at,
                    summary=concern_summary(concern),
                    categories=concern.categories,
                    immediate_danger=concern.immediate_danger,
                    injury=bool(concern.injury_locations),
                )
            )
        for child, _plan, event in events:
            entries.append(
                self._entry(
                    child=child,
                    kind=event.kind,
                    source=event,
                    agency=event.agency,
                    author=event.author,
                    # As concerns.services.agency_event_record labels a feed's entries.
                    author_label="" if event.author else f"{event.agency} system",
                    occurred_at=event.occurred_at,
                    recorded_at=event.recorded_at,
                    summary=event.summary,
                    categories=event.categories,
                    injury=event.injury,
                )
            )
        _bulk(ChronologyEntry, entries)
        _bulk(ChronologyCategory, [ChronologyCategory(entry=e, code=c) for e in entries for c in e.categories])
        self.result.concerns += len(concerns)
        self.result.agency_events += len(events)

    @staticmethod
    def _entry(
        *,
        child: Child,
        kind: str,
        source: models.Model,
        agency: Agency,
        author: User | None,
        author_label: str,
        occurred_at: datetime,
        recorded_at: datetime,
        summary: str,
        categories: Iterable[str],
        immediate_danger: bool = False,
        injury: bool = False,
    ) -> ChronologyEntry:
        """The row concerns.chronology.chronology_record would write for `source`."""
        return ChronologyEntry(
            child=child,
            kind=kind,
            agency=agency,
            author=author,
            author_label=author_label or (author.get_full_name() or author.get_username() if author else ""),
            occurred_at=occurred_at,
            recorded_at=recorded_at,
            summary=summary,
            categories=sorted(set(categories)),
            immediate_danger=immediate_danger,
            injury=injury,
            source_type=source._meta.label_lower,
            source_id=source.pk,
        )

    def finish(self) -> None:
        self.result.fingerprint = fingerprint(self._lines)


def load_authority(
    cfg: Config,
    *,
    on_world: Callable[[World], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> LoadResult:
    """Plan and write the whole authority in one transaction, with one audit event."""
    loader = Loader(cfg)
    with transaction.atomic():
        world = plan_world(cfg)
        loader.load_world(world)
        if on_world:
            on_world(world)
        planner = Planner(cfg, world)
        for households in planner.chunks():
            written = loader.load_households(households)
            if on_progress:
                on_progress(written)
        loader.finish()
        # The pathway rows were bulk-written, not through the services that keep the clocks'
        # projection: build it once for them all.
        clock_rows_rebuild()
        result = loader.result
        detail: dict[str, Any] = {
            "event": "system: synthetic data loaded",
            "size": cfg.size,
            "seed": cfg.seed,
            "today": cfg.today,
            "children": result.children,
            "concerns": result.concerns,
            "agency_events": result.agency_events,
            "contacts": result.contacts,
            "referrals": result.referrals,
            "agencies": result.agencies,
            "practitioners": result.practitioners,
            "fingerprint": result.fingerprint,
        }
        audit_record(actor="seed_demo", action=Action.CREATE, reason="Synthetic data loaded", detail=detail)
    return result


def database_fingerprint() -> str:
    """The same fingerprint as plan.fingerprint, read back from the database."""
    lines = []
    names: dict[int, list[str]] = {}
    for n in ChildName.objects.order_by("child_id", "id").values_list(
        "child_id", "kind", "first_name", "middle_names", "last_name"
    ):
        names.setdefault(n[0], []).append(f"{n[1]}:{n[2]}:{n[3]}:{n[4]}")
    for pk, la_id, dob, edd, sex, nhs, upn in Child.objects.values_list(
        "pk", "la_child_id", "date_of_birth", "expected_date_of_birth", "sex", "nhs_number", "upn"
    ):
        lines.append("|".join((la_id, ";".join(names.get(pk, [])), str(dob or edd), sex, nhs or "", upn or "")))
    return fingerprint(lines)
