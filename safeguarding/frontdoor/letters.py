"""The feedback letter to the person who made the contact: what was decided and what happens
next, in plain words, never the front door's reasons or other agencies' information.

A practitioner is told the decision. A member of the public is told only that the contact
was looked at and acted on: what children's social care does with a family is not theirs to
know (Working Together 2023: feedback to referrers, proportionate to who they are). An
anonymous caller gets no letter.
"""

from django.utils import dateformat

from safeguarding.access.models import User
from safeguarding.core import calendar
from safeguarding.frontdoor.models import Contact, ContactDecision, Decision, ReferralSource
from safeguarding.sharing.models import Letter, LetterKind
from safeguarding.sharing.services import letter_create

WHAT_HAPPENS_NEXT: dict[str, str] = {
    Decision.NO_FURTHER_ACTION: (
        "Children's social care will not take any further action at this time. "
        "Keep supporting the child as you do now. If anything changes, or you are worried again, "
        "contact the front door again."
    ),
    Decision.INFORMATION_ADVICE: (
        "Children's social care will not open a case. The front door has given information and advice "
        "about support that may help. If anything changes, or you are worried again, contact the front door again."
    ),
    Decision.EARLY_HELP: (
        "The family will be offered early help. An early help practitioner will contact the family. "
        "Early help is voluntary: the family will be asked whether they agree. "
        "You may be asked to be part of the team around the family."
    ),
    Decision.ASSESSMENT: (
        "A social worker will carry out a child and family assessment. It will be completed within "
        "45 working days. The social worker may contact you to ask what you know."
    ),
    Decision.STRATEGY_DISCUSSION: (
        "Children's social care will hold a strategy discussion with the police and health, to decide "
        "whether to make child protection enquiries. You may be asked to take part or to share what you know."
    ),
    Decision.IMMEDIATE_PROTECTION: (
        "Action has been taken to keep the child safe now. A social worker is working with the child "
        "and family and may contact you."
    ),
}


def referral_feedback(*, contact: Contact, decision: ContactDecision, by: User) -> Letter | None:
    """Write the feedback letter for a decision (called by contact_decide, in its transaction)."""
    from_public = contact.referrer_id is None
    if from_public and (contact.source == ReferralSource.ANONYMOUS or not contact.referrer_name.strip()):
        return None
    recipient_name = contact.referrer.display_name if contact.referrer else contact.referrer_name.strip()
    received_on = calendar.local_date(contact.received_at)
    return letter_create(
        child=contact.child,
        kind=LetterKind.REFERRAL_FEEDBACK,
        source=decision,
        recipient_name=recipient_name,
        recipient_agency=contact.referrer_agency,
        recipient_user=contact.referrer,
        subject=f"Your {'contact' if from_public else 'referral'} of {dateformat.format(received_on, 'j F Y')}: "
        "what happens next",
        template="sharing/letters/referral_feedback.txt",
        context={
            "from_public": from_public,
            "received_on": received_on,
            "decided_on": calendar.local_date(decision.decided_at),
            "decision_label": Decision(decision.decision).label,
            "what_happens_next": WHAT_HAPPENS_NEXT[decision.decision],
            "agency": by.agency,
        },
        by=by,
    )
