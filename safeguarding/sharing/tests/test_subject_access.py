"""Subject access exports (UK GDPR Article 15): everything held about a child or a parent,
each item with its source, other people's information marked for the DPO, audited."""

import datetime as dt
import json
import re

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from safeguarding.audit.models import Action, AuditEvent
from safeguarding.concerns.models import ChronologyEntry
from safeguarding.concerns.services import ConcernInput, concern_record
from safeguarding.people.models import Child
from safeguarding.people.services import PersonDetails, relationship_add
from safeguarding.sharing.models import SubjectAccessRequest
from safeguarding.sharing.subject_access import (
    NOT_INCLUDED,
    SCHEMA_VERSION,
    Subject,
    child_by_identifier,
    due_date,
    persons_named,
    subject_access_build,
    subject_access_export,
)
from safeguarding.sharing.subject_access_pdf import subject_access_pdf
from safeguarding.sharing.tests.subject_access_helpers import (
    CHILDS_WORDS,
    PUBLIC_REFERRER,
    all_parts,
    kinds_in,
    section,
    seed_record,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_hasher(settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def seeded(child, entitled, front_door):  # type: ignore[no-untyped-def]
    return seed_record(child, dsl=entitled, front_door=front_door)


def _fields(item):  # type: ignore[no-untyped-def]
    return {f["name"]: f for f in item["fields"]}


def _records(export, label):  # type: ignore[no-untyped-def]
    return [i for s in export["sections"] for top in s["items"] for i in all_parts(top) if i["record"] == label]


def test_a_childs_export_holds_every_kind_of_record_with_its_source(seeded, dpo):
    export = subject_access_build(subject=Subject(child=seeded.child), by=dpo)
    assert export["schema_version"] == SCHEMA_VERSION and export["generated_at"]
    every = {i["record"] for s in export["sections"] for top in s["items"] for i in all_parts(top)}
    assert {
        "people.child", "people.childname", "people.relationship", "people.statusperiod",
        "concerns.concern", "concerns.concernamendment", "concerns.agencyevent",
        "frontdoor.contact", "frontdoor.contactdecision", "frontdoor.referral",
        "earlyhelp.earlyhelpepisode", "earlyhelp.earlyhelpconsent", "earlyhelp.familyplanaction",
        "earlyhelp.earlyhelpclosure", "assessments.assessment", "assessments.childseen",
        "protection.strategydiscussion", "protection.strategyattendee", "protection.section47enquiry",
        "protection.conference", "protection.conferenceinvitee", "protection.protectionplan",
        "sharing.informationshare", "sharing.letter", "encompass.incidentchild", "access.childinvolvement",
    } <= every  # fmt: skip
    # Every chronology entry is there, each pointing at a record that is in the export too.
    entries = section(export, "chronology")
    assert len(entries) == ChronologyEntry.objects.filter(child=seeded.child).count()
    for entry in entries:
        ref = entry["source_record"]
        assert any(i["record"] == ref["record"] and i["id"] == ref["id"] for i in _records(export, ref["record"]))
    # Each item says where it came from.
    concern = _records(export, "concerns.concern")[0]
    assert concern["source"]["agency"] == "Riverside Primary School"
    assert seeded.dsl.display_name in concern["source"]["author"]
    assert concern["source"]["date"]
    assert _fields(concern)["childs_words"]["value"] == CHILDS_WORDS
    # The police incident the child was at is shown inside the child's row.
    incident = _fields(_records(export, "encompass.incidentchild")[0])["incident"]["record"]
    assert {f["name"]: f["value"] for f in incident["fields"]}["reference"] == "POL/123"
    # Amendments, with their reasons.
    assert any(a["reason"] == "Missed a step" for a in section(export, "amendments"))
    amendment = _records(export, "concerns.concernamendment")[0]
    assert _fields(amendment)["reason"]["value"] == "Missed a step"
    # Nothing left out silently.
    assert {n["record"] for n in export["not_included"]} >= {"audit.auditevent", "pathway.clockrow"}
    json.dumps(export)  # JSON-ready as it is


def test_every_row_of_every_model_that_points_at_the_child_is_included(seeded, dpo):
    """No section is written per model: the walk finds every foreign key to the child, so a
    model added later is exported without a change."""
    export = subject_access_build(subject=Subject(child=seeded.child), by=dpo)
    exported = {(i["record"], i["id"]) for s in export["sections"] for top in s["items"] for i in all_parts(top)}
    checked = 0
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in NOT_INCLUDED or label == "concerns.chronologyentry":
            continue
        for f in model._meta.concrete_fields:
            if (
                f.is_relation
                and f.related_model is Child
                and (label, f.name) != ("people.relationship", "related_child")
            ):
                for pk in model._base_manager.filter(**{f.name: seeded.child}).values_list("pk", flat=True):
                    assert (label, pk) in exported, f"{label} {pk} is missing"
                    checked += 1
    assert checked > 20


def test_third_parties_are_marked_with_why(seeded, dpo):
    export = subject_access_build(subject=Subject(child=seeded.child), by=dpo)
    contact = _fields(_records(export, "frontdoor.contact")[0])
    assert contact["referrer_name"]["value"] == PUBLIC_REFERRER
    assert contact["referrer_name"]["redaction"] == {
        "reason": "third party: the referrer, a member of the public",
        "recommended": True,
    }
    assert contact["referrer_contact_details"]["redaction"]["recommended"] is True
    # Named people in free text, from the structured data.
    concern = _fields(_records(export, "concerns.concern")[0])
    mentions = {m["text"]: m for m in concern["what_happened"]["mentions"]}
    assert mentions["Jo Parent"]["reason"] == "third party: the child's mother"
    assert mentions["Oliver"]["reason"] == "third party: another child"
    assert concern["childs_words"]["mentions"][0]["text"] == "Dean"
    # Family members and other children in the family section.
    family = section(export, "family")
    sibling = next(i for i in family if "related_child" in _fields(i))
    assert _fields(sibling)["related_child"]["redaction"]["reason"] == "third party: another child"
    mother = next(i for i in family if _fields(i).get("relationship", {}).get("code") == "mother")
    assert _fields(mother)["person"]["redaction"]["recommended"] is True
    # A family member at the conference; practitioners are marked but not recommended.
    invitees = _records(export, "protection.conferenceinvitee")
    family_invitee = next(i for i in invitees if _fields(i)["discipline"]["code"] == "family")
    assert _fields(family_invitee)["name"]["redaction"] == {
        "reason": "third party: a family member",
        "recommended": True,
    }
    assert concern["author"]["redaction"] == {
        "reason": "practitioner acting in a professional role",
        "recommended": False,
    }
    consent = _fields(_records(export, "earlyhelp.earlyhelpconsent")[0])
    assert consent["given_by"]["redaction"]["recommended"] is True
    # The child's own name is never marked.
    assert "Amelia" not in {m["text"] for f in concern.values() for m in f.get("mentions", [])}
    assert export["summary"]["marked"] >= export["summary"]["recommended_for_redaction"] > 0


def test_a_parents_export_holds_what_names_them(seeded, dpo):
    persons = persons_named(child=seeded.child, first_name="jo", last_name="PARENT")
    assert [p.pk for p in persons] == [seeded.mother.pk]
    export = subject_access_build(subject=Subject(persons=persons), by=dpo)
    assert export["subject"]["kind"] == "person"
    assert section(export, "identity")[0]["record"] == "people.person"
    family = section(export, "family")
    assert [i["id"] for i in family] == [r.pk for r in seeded.mother.relationships.all()]
    kept = kinds_in(export)
    assert {"concerns.concern", "frontdoor.contact", "earlyhelp.earlyhelpepisode", "protection.conference"} <= kept
    assert all(
        i.get("included_because")
        for s in export["sections"]
        if s["key"] != "identity"
        for i in s["items"]
        if s["key"] != "amendments"
    )
    # Not the records that do not name her (the A&E attendance), nor other people's relationships.
    assert "concerns.agencyevent" not in kept
    assert not any(_fields(i).get("person", {}).get("value") == "Dean Hartley" for i in family)
    assert any(n.get("items") for n in export["not_included"])
    # The child's own words are the child's: marked for a parent's export.
    concern = _fields(_records(export, "concerns.concern")[0])
    assert concern["childs_words"]["redaction"]["reason"] == "third party: the child's own words and views"
    assert concern["child"]["redaction"]["recommended"] is False
    # Her own name is not marked; her partner's is.
    texts = {m["text"] for m in concern["what_happened"].get("mentions", [])}
    assert "Jo Parent" not in texts


def test_producing_an_export_writes_the_request_and_its_audit_event_together(seeded, dpo):
    received = dt.date(2026, 1, 31)
    row = subject_access_export(
        subject=Subject(child=seeded.child), reference="SAR-2026-001", received_on=received, note="By post", by=dpo
    )
    assert row.due_on == dt.date(2026, 3, 2)  # 28 February 2026 is a Saturday
    assert row.export["request"] == {"reference": "SAR-2026-001", "received_on": "2026-01-31", "due_on": "2026-03-02"}
    event = AuditEvent.objects.filter(action=Action.EXPORT).latest("id")
    assert event.child == seeded.child and event.actor == dpo
    assert event.object_type == "sharing.subjectaccessrequest" and event.object_id == str(row.pk)
    assert event.detail["reference"] == "SAR-2026-001" and event.detail["items"] == row.items > 0


def test_only_a_dpo_may_produce_one_and_a_refusal_is_audited(seeded, front_door):
    with pytest.raises(PermissionDenied):
        subject_access_export(
            subject=Subject(child=seeded.child), reference="X", received_on=dt.date(2026, 1, 5), by=front_door
        )
    assert not SubjectAccessRequest.objects.exists()
    assert AuditEvent.objects.filter(action=Action.DENIED, actor=front_door).exists()


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (dt.date(2026, 3, 3), dt.date(2026, 4, 7)),  # 3 April is Good Friday, 6 April Easter Monday
        (dt.date(2026, 5, 12), dt.date(2026, 6, 12)),
        (dt.date(2028, 1, 31), dt.date(2028, 2, 29)),  # no 31 February: the last day of the month
    ],
)
def test_the_one_month_time_limit(received, due):
    assert due_date(received) == due


def test_a_child_is_found_by_any_identifier_and_a_merged_record_leads_to_its_survivor(child):
    child.nhs_number, child.upn = "9434765919", "A123456789012"
    child.save(update_fields=["nhs_number", "upn"])
    assert child_by_identifier(child.la_child_id) == child
    assert child_by_identifier("943 476 5919") == child
    assert child_by_identifier("a123456789012") == child
    assert child_by_identifier("nope") is None


def test_the_exports_queries_do_not_grow_with_the_number_of_entries(child, entitled, front_door, dpo):
    seeded_few = seed_record(child, dsl=entitled, front_door=front_door, concerns=1)
    with CaptureQueriesContext(connection) as few:
        subject_access_build(subject=Subject(child=seeded_few.child), by=dpo)
    for n in range(15):
        concern_record(
            child=child,
            data=ConcernInput(
                occurred_at=timezone.now() - dt.timedelta(hours=n + 1),
                what_happened=f"Another bruise {n}",
                action_taken="Told the DSL",
                categories=["neglect"],
            ),
            by=entitled,
        )
    with CaptureQueriesContext(connection) as many:
        export = subject_access_build(subject=Subject(child=child), by=dpo)
    assert len(section(export, "chronology")) >= 30
    assert len(many) == len(few), "one query per kind of record and relation, never per entry"


def test_the_pdf_parses_and_shows_the_child_and_the_marks(seeded, dpo, monkeypatch):
    from reportlab import rl_config

    from safeguarding.sharing import subject_access_pdf as pdf_module

    # A standard font and no compression, so the page text can be read from the bytes.
    monkeypatch.setattr(pdf_module, "_fonts", lambda: ("Helvetica", "Helvetica-Bold"))
    monkeypatch.setattr(rl_config, "pageCompression", 0)
    row = subject_access_export(
        subject=Subject(child=seeded.child), reference="SAR-7", received_on=dt.date(2026, 1, 5), by=dpo
    )
    pdf = subject_access_pdf(row.export)
    assert pdf.startswith(b"%PDF")
    pages = re.search(rb"/Count (\d+)", pdf)
    assert pages is not None and int(pages.group(1)) >= 2
    assert b"Amelia Jones" in pdf
    assert b"OFFICIAL-SENSITIVE" in pdf
    assert b"third party: the referrer, a member of the public" in pdf
    assert PUBLIC_REFERRER.encode() in pdf


def test_record_text_is_data_not_pdf_markup(seeded, dpo):
    row = subject_access_export(
        subject=Subject(child=seeded.child), reference="<b>SAR & co", received_on=dt.date(2026, 1, 5), by=dpo
    )
    row.export["sections"][0]["items"][0]["fields"].append({"name": "x", "label": "X <i>", "value": "a <para & b"})
    assert subject_access_pdf(row.export).startswith(b"%PDF")


def test_a_parent_recorded_for_each_of_their_children_is_one_subject(seeded, dpo, front_door):
    """relationship_add writes a Person row for each child: the same name and date of birth
    in the same family is the same person, and their export covers both children."""
    again = relationship_add(
        child=seeded.sibling,
        relationship="mother",
        person=PersonDetails("Jo", "Parent", date_of_birth=dt.date(1990, 4, 2)),
        lives_with_child=True,
        parental_responsibility=True,
        by=front_door,
    )
    someone_else = relationship_add(
        child=seeded.sibling,
        relationship="grandparent",
        person=PersonDetails("Jo", "Parent", date_of_birth=dt.date(1950, 1, 1)),
        lives_with_child=False,
        by=front_door,
    )
    persons = persons_named(child=seeded.child, first_name="Jo", last_name="Parent")
    assert [p.pk for p in persons] == [seeded.mother.pk, again.person_id]
    assert someone_else.person_id not in [p.pk for p in persons]
    export = subject_access_build(subject=Subject(persons=persons), by=dpo)
    assert {i["id"] for i in section(export, "family")} >= {again.pk}
    assert len(export["subject"]["children"]) == 2
