from django.urls import path

from safeguarding.concerns import views

app_name = "concerns"

urlpatterns = [
    path("signals/", views.signals, name="signals"),
]
