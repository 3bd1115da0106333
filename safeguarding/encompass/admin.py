"""Term dates are the local authority's reference data. Incidents and notifications are
records about children: written only through the audited services and pages."""

from django.contrib import admin

from safeguarding.encompass.models import SchoolTerm


@admin.register(SchoolTerm)
class SchoolTermAdmin(admin.ModelAdmin):
    list_display = ("name", "first_day", "last_day")
    ordering = ("first_day",)
    date_hierarchy = "first_day"
