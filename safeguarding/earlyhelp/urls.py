from django.urls import path

from safeguarding.earlyhelp import views, work_views

app_name = "earlyhelp"

EPISODE = "children/<int:child_id>/early-help/<int:pk>/"

urlpatterns = [
    path("children/<int:child_id>/early-help/new/", views.start, name="start"),
    path(EPISODE, views.episode, name="episode"),
    path(f"{EPISODE}consent/", views.consent, name="consent"),
    path(f"{EPISODE}assessment/new/", work_views.assessment_new, name="assessment-new"),
    path(f"{EPISODE}team/new/", work_views.team_add, name="team-add"),
    path(f"{EPISODE}actions/new/", work_views.action_new, name="action-new"),
    path(f"{EPISODE}actions/<int:action_id>/done/", work_views.action_done, name="action-done"),
    path(f"{EPISODE}reviews/new/", work_views.review_new, name="review-new"),
    path(f"{EPISODE}family-group-conferences/new/", work_views.fgc_new, name="fgc-new"),
    path(f"{EPISODE}step-up/", views.step_up_view, name="step-up"),
    path(f"{EPISODE}close/", views.close, name="close"),
    path("early-help/mine/", views.mine, name="mine"),
]
