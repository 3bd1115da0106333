"""Pathway rows made directly, for the clocks' tests (the services are other apps' tests)."""

import datetime as dt

import factory

from tests.factories import ChildFactory, ReferralFactory, UserFactory

D = dt.date


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "assessments.Assessment"

    referral = factory.SubFactory(ReferralFactory)
    child = factory.LazyAttribute(lambda o: o.referral.child)
    started_on = factory.LazyAttribute(lambda o: o.referral.referral_date)
    lead_practitioner = factory.SubFactory(UserFactory)
    created_by = factory.LazyAttribute(lambda o: o.lead_practitioner)


class AssessmentCompletionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "assessments.AssessmentCompletion"

    assessment = factory.SubFactory(AssessmentFactory)
    completed_on = factory.LazyAttribute(lambda o: o.assessment.started_on + dt.timedelta(days=20))
    primary_need = "N1"
    analysis = "Findings."
    outcome = "cin_plan"
    completed_by = factory.LazyAttribute(lambda o: o.assessment.lead_practitioner)


class StrategyDiscussionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "protection.StrategyDiscussion"

    referral = factory.SubFactory(ReferralFactory, decision="strategy_discussion")
    child = factory.LazyAttribute(lambda o: o.referral.child)
    held_on = factory.LazyAttribute(lambda o: o.referral.referral_date)
    chair = factory.SubFactory(UserFactory)
    reason = "Reasonable cause to suspect significant harm."
    decisions = "Section 47 enquiry."
    outcome = "section47"
    created_by = factory.LazyAttribute(lambda o: o.chair)


class Section47Factory(factory.django.DjangoModelFactory):
    class Meta:
        model = "protection.Section47Enquiry"

    strategy_discussion = factory.SubFactory(StrategyDiscussionFactory)
    child = factory.LazyAttribute(lambda o: o.strategy_discussion.child)
    lead_social_worker = factory.SubFactory(UserFactory)
    started_on = factory.LazyAttribute(lambda o: o.strategy_discussion.held_on)
    created_by = factory.LazyAttribute(lambda o: o.lead_social_worker)


class Section47CompletionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "protection.Section47Completion"

    enquiry = factory.SubFactory(Section47Factory)
    completed_on = factory.LazyAttribute(lambda o: o.enquiry.started_on + dt.timedelta(days=5))
    findings = "Findings."
    outcome = "initial_conference"
    completed_by = factory.LazyAttribute(lambda o: o.enquiry.lead_social_worker)


class InitialConferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "protection.Conference"

    kind = "initial"
    section47 = factory.SubFactory(Section47Factory)
    child = factory.LazyAttribute(lambda o: o.section47.child)
    held_on = factory.LazyAttribute(lambda o: o.section47.started_on + dt.timedelta(days=14))
    chair = factory.SubFactory(UserFactory)
    childs_views = "Spoke to the child alone."
    summary = "Summary."
    decision = "plan"
    category = "PHY"
    created_by = factory.LazyAttribute(lambda o: o.chair)


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "protection.ProtectionPlan"

    initial_conference = factory.SubFactory(InitialConferenceFactory)
    child = factory.LazyAttribute(lambda o: o.initial_conference.child)
    referral = factory.LazyAttribute(lambda o: o.initial_conference.section47.strategy_discussion.referral)
    started_on = factory.LazyAttribute(lambda o: o.initial_conference.held_on)
    initial_category = "PHY"
    lead_social_worker = factory.LazyAttribute(lambda o: o.initial_conference.section47.lead_social_worker)
    outline = "What must change."
    created_by = factory.LazyAttribute(lambda o: o.lead_social_worker)


class ReviewConferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "protection.Conference"

    kind = "review"
    plan = factory.SubFactory(PlanFactory)
    child = factory.LazyAttribute(lambda o: o.plan.child)
    held_on = factory.LazyAttribute(lambda o: o.plan.started_on + dt.timedelta(days=80))
    chair = factory.SubFactory(UserFactory)
    childs_views = "Views."
    summary = "Summary."
    decision = "continue"
    created_by = factory.LazyAttribute(lambda o: o.chair)


class CoreGroupMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "protection.CoreGroupMeeting"

    plan = factory.SubFactory(PlanFactory)
    held_on = factory.LazyAttribute(lambda o: o.plan.started_on + dt.timedelta(days=7))
    attendees = "Social worker, school, health visitor."
    summary = "Progress."
    recorded_by = factory.LazyAttribute(lambda o: o.plan.lead_social_worker)


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "protection.StatutoryVisit"

    plan = factory.SubFactory(PlanFactory)
    visited_on = factory.LazyAttribute(lambda o: o.plan.started_on + dt.timedelta(days=7))
    child_seen = True
    note = "Seen at home."
    visited_by = factory.LazyAttribute(lambda o: o.plan.lead_social_worker)


class PlanEndFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "protection.PlanEnd"

    plan = factory.SubFactory(PlanFactory)
    ended_on = factory.LazyAttribute(lambda o: o.plan.started_on + dt.timedelta(days=200))
    reason = "turned_18"
    ended_by = factory.LazyAttribute(lambda o: o.plan.lead_social_worker)


class CINPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "assessments.CINPlan"

    referral = factory.SubFactory(ReferralFactory)
    child = factory.LazyAttribute(lambda o: o.referral.child)
    started_on = factory.LazyAttribute(lambda o: o.referral.referral_date)
    lead_practitioner = factory.SubFactory(UserFactory)
    plan = "Needs and actions."
    created_by = factory.LazyAttribute(lambda o: o.lead_practitioner)


class CINPlanReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "assessments.CINPlanReview"

    plan = factory.SubFactory(CINPlanFactory)
    held_on = factory.LazyAttribute(lambda o: o.plan.started_on + dt.timedelta(days=60))
    summary = "Reviewed."
    recorded_by = factory.LazyAttribute(lambda o: o.plan.lead_practitioner)


class EpisodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "earlyhelp.EarlyHelpEpisode"

    child = factory.SubFactory(ChildFactory)
    started_on = D(2026, 1, 5)
    lead_practitioner = factory.SubFactory(UserFactory)
    lead_chosen_with_family = True
    created_by = factory.LazyAttribute(lambda o: o.lead_practitioner)


class EarlyHelpReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "earlyhelp.EarlyHelpReview"

    episode = factory.SubFactory(EpisodeFactory)
    held_on = factory.LazyAttribute(lambda o: o.episode.started_on + dt.timedelta(days=60))
    progress = "Progress."
    outcome = "continue"
    recorded_by = factory.LazyAttribute(lambda o: o.episode.lead_practitioner)


class EarlyHelpClosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "earlyhelp.EarlyHelpClosure"

    episode = factory.SubFactory(EpisodeFactory)
    closed_on = factory.LazyAttribute(lambda o: o.episode.started_on + dt.timedelta(days=90))
    reason = "needs_met"
    closed_by = factory.LazyAttribute(lambda o: o.episode.lead_practitioner)


class ReferralClosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "frontdoor.ReferralClosure"

    referral = factory.SubFactory(ReferralFactory)
    closed_on = factory.LazyAttribute(lambda o: o.referral.referral_date + dt.timedelta(days=30))
    reason = "RC8"
    closed_by = factory.LazyAttribute(lambda o: o.referral.created_by)
