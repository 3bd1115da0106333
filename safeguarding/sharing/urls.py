from django.urls import path

from safeguarding.sharing import views

app_name = "sharing"

urlpatterns = [
    path("letters/", views.letters, name="letters"),
    path("children/<int:child_id>/letters/<int:pk>/", views.letter, name="letter"),
]
