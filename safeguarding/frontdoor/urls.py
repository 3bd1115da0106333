from django.urls import path

from safeguarding.frontdoor import episode_views, list_views, views, work_views

app_name = "frontdoor"

urlpatterns = [
    path("front-door/", list_views.queue, name="queue"),
    path("front-door/early-help/", list_views.early_help_requests, name="early-help-requests"),
    path("referrals/mine/", list_views.mine, name="mine"),
    path("children/<int:child_id>/referrals/new/", views.contact_new, name="contact-new"),
    path("children/<int:child_id>/contacts/<int:pk>/", views.contact_detail, name="contact"),
    path("children/<int:child_id>/contacts/<int:pk>/sent/", views.contact_sent, name="contact-sent"),
    path("children/<int:child_id>/contacts/<int:pk>/checks/new/", work_views.check_request_new, name="check-request"),
    path("children/<int:child_id>/contacts/<int:pk>/decide/", work_views.decide, name="decide"),
    path("children/<int:child_id>/decisions/<int:pk>/", views.decision_detail, name="decision"),
    path("agency-checks/", work_views.checks, name="checks"),
    path("agency-checks/<int:pk>/return/", work_views.check_answer, name="check-return"),
    path("children/<int:child_id>/referrals/<int:pk>/", episode_views.referral_detail, name="referral"),
    path("children/<int:child_id>/referrals/<int:pk>/close/", episode_views.close, name="close"),
    path("children/<int:child_id>/closures/<int:pk>/", episode_views.closure_detail, name="closure"),
]
