from django.urls import path

from safeguarding.people import views

app_name = "people"

urlpatterns = [
    path("", views.search, name="search"),
    path("<int:child_id>/", views.record, name="record"),
    path("<int:child_id>/chronology.pdf", views.chronology_pdf, name="chronology-pdf"),
    path("<int:child_id>/emergency-access/", views.break_glass, name="break-glass"),
]
