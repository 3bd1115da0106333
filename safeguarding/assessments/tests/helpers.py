"""Steps of the pathway taken through the services, for tests of the steps after them."""

import datetime as dt

from safeguarding.assessments.services import (
    assessment_authorise,
    assessment_complete,
    assessment_start,
    child_seen_record,
)


def start(referral, by, *, lead=None, supervisor=None, on=dt.date(2025, 4, 15)):
    return assessment_start(
        referral=referral, started_on=on, lead_practitioner=lead or by, supervisor=supervisor, by=by
    )


def see(assessment, by, on=dt.date(2025, 4, 22), alone=True):
    return child_seen_record(assessment=assessment, seen_on=on, seen_alone=alone, note="Seen at home", by=by)


def complete(assessment, by, *, on=dt.date(2025, 6, 16), outcome="cin_plan", factors=("3B", "4B"), late_reason=""):
    return assessment_complete(
        assessment=assessment,
        completed_on=on,
        factors=list(factors),
        primary_need="N1",
        analysis="Mother is a victim of domestic abuse; her mental health is poor. The children need support.",
        outcome=outcome,
        late_reason=late_reason,
        by=by,
    )


def completed(referral, by, **kwargs):
    assessment = start(referral, by)
    see(assessment, by)
    complete(assessment, by, **kwargs)
    return assessment


def authorise(assessment, by):
    return assessment_authorise(assessment=assessment, note="Agreed.", by=by)
