"""The letters that tell the family and the agencies what an assessment decided.

Working Together 2023: the family and the agencies involved are told in writing the outcome
of the assessment and what happens next. The letters say what was decided in plain words;
they never carry the assessment's analysis, which stays with social care.
"""

from datetime import date

from django.db.models import Q

from safeguarding.access.models import Agency, AgencyKind, User
from safeguarding.assessments.models import Assessment, AssessmentCompletion, AssessmentOutcome
from safeguarding.core import calendar
from safeguarding.people.models import Child, Relationship
from safeguarding.sharing.models import Letter, LetterKind
from safeguarding.sharing.services import letter_create

FAMILY_TEMPLATE = "sharing/letters/assessment_outcome_family.txt"
AGENCY_TEMPLATE = "sharing/letters/assessment_outcome_agency.txt"

# What was decided, and what happens next, for the family ("you") and for agencies.
DECIDED = {
    AssessmentOutcome.NO_FURTHER_ACTION: "children's social care does not need to stay involved",
    AssessmentOutcome.EARLY_HELP: "the best help now is early help, rather than children's social care",
    AssessmentOutcome.CIN_PLAN: "{name} is a child in need of support from children's social care, "
    "under section 17 of the Children Act 1989",
    AssessmentOutcome.STRATEGY_DISCUSSION: "we need to look further, with the police and health services, "
    "into whether {name} is safe",
    AssessmentOutcome.CONTINUE_CP_PLAN: "{name}'s child protection plan should carry on",
}
NEXT_FAMILY = {
    AssessmentOutcome.NO_FURTHER_ACTION: "We will close our involvement. If you are worried about {name} "
    "in future, or your family needs help, you can contact us again.",
    AssessmentOutcome.EARLY_HELP: "An early help worker will contact you to talk about the help your family "
    "can have. Early help is voluntary: it is offered with your agreement.",
    AssessmentOutcome.CIN_PLAN: "Your social worker will agree a child in need plan with you and the "
    "people who work with {name}. The plan will say what help you will have, who will give it and by "
    "when, and it will be reviewed regularly with you.",
    AssessmentOutcome.STRATEGY_DISCUSSION: "The police, health services and children's social care will "
    "talk together about what to do next. Your social worker will tell you what this means for your "
    "family and what will happen.",
    AssessmentOutcome.CONTINUE_CP_PLAN: "The core group will keep working with you on the plan, and the "
    "next review conference will go ahead as arranged.",
}
NEXT_AGENCY = {
    AssessmentOutcome.NO_FURTHER_ACTION: "Children's social care will close its involvement. If you have new "
    "concerns, make a new referral.",
    AssessmentOutcome.EARLY_HELP: "The family will be offered early help. You may be asked to join the team "
    "around the family.",
    AssessmentOutcome.CIN_PLAN: "A child in need plan will be agreed with the family. You may be asked to "
    "contribute to the plan and to its reviews.",
    AssessmentOutcome.STRATEGY_DISCUSSION: "A strategy discussion will be held. If your agency is asked to "
    "take part, please share what you know promptly.",
    AssessmentOutcome.CONTINUE_CP_PLAN: "The child protection plan continues; core group members carry on "
    "with their actions.",
}


def family_recipient(child: Child, on: date) -> str:
    """The adults with parental responsibility who live with the child ("" if none is recorded)."""
    people = (
        Relationship.objects.filter(
            child=child, person__isnull=False, parental_responsibility=True, lives_with_child=True
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))
        .select_related("person")
        .order_by("id")
    )
    names = [f"{r.person.first_name} {r.person.last_name}".strip() for r in people if r.person]
    if not names:
        return ""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def agencies_involved(child: Child, *, on: date) -> list[Agency]:
    """Each agency currently involved with the child, once; social care does not write to itself."""
    return list(
        Agency.objects.filter(involvements__child=child)
        .filter(Q(involvements__ended_on__isnull=True) | Q(involvements__ended_on__gte=on))
        .exclude(kind=AgencyKind.LA_SOCIAL_CARE)
        .distinct()
        .order_by("name")
    )


def outcome_letters_write(*, assessment: Assessment, completion: AssessmentCompletion, by: User) -> list[Letter]:
    child = assessment.child
    name = child.display_name or "the child"
    outcome = AssessmentOutcome(completion.outcome)
    lead = assessment.lead_practitioner
    today = calendar.today()
    context = {
        "completed_on": completion.completed_on,
        "decided": DECIDED[outcome].format(name=name),
        "lead_name": lead.display_name,
        "lead_agency": str(lead.agency) if lead.agency_id else "",
        "lead_phone": lead.phone,
        "name": name,
    }
    general = f"The parents or carers of {child.display_name or child.la_child_id}"
    recipient = family_recipient(child, today) or general
    letters = [
        letter_create(
            child=child,
            kind=LetterKind.ASSESSMENT_OUTCOME_FAMILY,
            source=completion,
            recipient_name=recipient,
            subject=f"The outcome of the assessment of {name}",
            template=FAMILY_TEMPLATE,
            context={
                **context,
                "salutation": recipient if recipient != general else "parent or carer",
                "next": NEXT_FAMILY[outcome].format(name=name),
            },
            by=by,
        )
    ]
    for agency in agencies_involved(child, on=today):
        letters.append(
            letter_create(
                child=child,
                kind=LetterKind.ASSESSMENT_OUTCOME_AGENCY,
                source=completion,
                recipient_name="The safeguarding lead",
                recipient_agency=agency,
                subject=f"Outcome of the child and family assessment: {name}",
                template=AGENCY_TEMPLATE,
                context={**context, "agency": agency, "next": NEXT_AGENCY[outcome].format(name=name)},
                by=by,
            )
        )
    return letters
