from django.urls import path

from safeguarding.protection.views import conferences, plans, strategy

app_name = "protection"

C = "children/<int:child_id>"

urlpatterns = [
    path(f"{C}/referrals/<int:referral_id>/strategy-discussions/new/", strategy.strategy_new, name="strategy-new"),
    path(f"{C}/strategy-discussions/<int:pk>/", strategy.strategy, name="strategy"),
    path(f"{C}/section47/<int:pk>/", strategy.section47, name="section47"),
    path(f"{C}/section47/<int:pk>/complete/", strategy.section47_complete_view, name="section47-complete"),
    path(f"{C}/section47/<int:pk>/conference/new/", conferences.conference_new, name="conference-new"),
    path(f"{C}/conferences/<int:pk>/", conferences.conference, name="conference"),
    path(f"{C}/plans/<int:pk>/", plans.plan, name="plan"),
    path(f"{C}/plans/<int:pk>/reviews/new/", conferences.review_new, name="review-new"),
    path(f"{C}/plans/<int:pk>/core-group/new/", plans.core_group_member_new, name="core-group-member-add"),
    path(f"{C}/plans/<int:pk>/core-group/meetings/new/", plans.core_group_meeting_new, name="core-group-meeting-new"),
    path(f"{C}/plans/<int:pk>/visits/new/", plans.visit_new, name="visit-new"),
    path(f"{C}/plans/<int:pk>/end/", plans.plan_end_view, name="plan-end"),
    # Where the chronology's entries for these records link (their pages are the plan's and the enquiry's).
    path(f"{C}/section47-completions/<int:pk>/", strategy.section47_completion, name="section47-completion"),
    path(f"{C}/core-group-meetings/<int:pk>/", plans.core_group_meeting, name="core-group-meeting"),
    path(f"{C}/cp-visits/<int:pk>/", plans.visit, name="visit"),
    path(f"{C}/plan-ends/<int:pk>/", plans.plan_ended, name="plan-ended"),
]
