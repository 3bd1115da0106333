from django.urls import path

from safeguarding.pathway import views

app_name = "pathway"

urlpatterns = [
    path("my-work/", views.my_work, name="my-work"),
    path("team/timeliness/", views.timeliness, name="timeliness"),
]
