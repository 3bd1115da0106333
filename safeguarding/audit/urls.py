from django.urls import path

from safeguarding.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.index, name="index"),
    path("children/<int:child_id>/", views.child, name="child"),
    path("break-glass/", views.break_glass, name="break-glass"),
    path("chain/", views.chain, name="chain"),
]
