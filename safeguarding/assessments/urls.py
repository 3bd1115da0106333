from django.urls import path

from safeguarding.assessments import plan_views, views

app_name = "assessments"

urlpatterns = [
    path("children/<int:child_id>/referrals/<int:referral_id>/assessments/new/", views.start, name="start"),
    path("children/<int:child_id>/assessments/<int:pk>/", views.detail, name="detail"),
    path("children/<int:child_id>/assessments/<int:pk>/seen/", views.seen, name="seen"),
    path("children/<int:child_id>/assessments/<int:pk>/complete/", views.complete, name="complete"),
    path("children/<int:child_id>/assessments/<int:pk>/authorise/", views.authorise, name="authorise"),
    path(
        "children/<int:child_id>/referrals/<int:referral_id>/cin-plans/new/",
        plan_views.plan_start,
        name="cin-plan-start",
    ),
    path("children/<int:child_id>/cin-plans/<int:pk>/", plan_views.plan_detail, name="cin-plan"),
    path("children/<int:child_id>/cin-plans/<int:pk>/reviews/new/", plan_views.plan_review, name="cin-plan-review"),
    path("children/<int:child_id>/cin-plans/<int:pk>/end/", plan_views.plan_end, name="cin-plan-end"),
]
