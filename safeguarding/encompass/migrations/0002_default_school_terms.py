"""Term dates for the demo: a typical English local authority's, 2025 to 2028 (half terms,
Easter and the spring bank holiday where most authorities put them). A real authority
replaces them with its own in admin (School terms): term dates are its choice, not a
national rule. Bank holidays inside a term are not school days whatever is entered here."""

import datetime as dt

from django.db import migrations

D = dt.date

TERMS = [
    ("Autumn term 1, 2025 to 2026", D(2025, 9, 3), D(2025, 10, 24)),
    ("Autumn term 2, 2025 to 2026", D(2025, 11, 3), D(2025, 12, 19)),
    ("Spring term 1, 2025 to 2026", D(2026, 1, 5), D(2026, 2, 13)),
    ("Spring term 2, 2025 to 2026", D(2026, 2, 23), D(2026, 3, 27)),
    ("Summer term 1, 2025 to 2026", D(2026, 4, 13), D(2026, 5, 22)),
    ("Summer term 2, 2025 to 2026", D(2026, 6, 1), D(2026, 7, 22)),
    ("Autumn term 1, 2026 to 2027", D(2026, 9, 3), D(2026, 10, 23)),
    ("Autumn term 2, 2026 to 2027", D(2026, 11, 2), D(2026, 12, 18)),
    ("Spring term 1, 2026 to 2027", D(2027, 1, 4), D(2027, 2, 12)),
    ("Spring term 2, 2026 to 2027", D(2027, 2, 22), D(2027, 3, 25)),
    ("Summer term 1, 2026 to 2027", D(2027, 4, 12), D(2027, 5, 28)),
    ("Summer term 2, 2026 to 2027", D(2027, 6, 7), D(2027, 7, 21)),
    ("Autumn term 1, 2027 to 2028", D(2027, 9, 2), D(2027, 10, 22)),
    ("Autumn term 2, 2027 to 2028", D(2027, 11, 1), D(2027, 12, 17)),
    ("Spring term 1, 2027 to 2028", D(2028, 1, 4), D(2028, 2, 11)),
    ("Spring term 2, 2027 to 2028", D(2028, 2, 21), D(2028, 4, 7)),
    ("Summer term 1, 2027 to 2028", D(2028, 4, 24), D(2028, 5, 26)),
    ("Summer term 2, 2027 to 2028", D(2028, 6, 5), D(2028, 7, 21)),
]


def add_terms(apps, schema_editor):
    SchoolTerm = apps.get_model("encompass", "SchoolTerm")
    if not SchoolTerm.objects.exists():
        SchoolTerm.objects.bulk_create(SchoolTerm(name=n, first_day=f, last_day=l) for n, f, l in TERMS)


class Migration(migrations.Migration):
    dependencies = [("encompass", "0001_initial")]

    operations = [migrations.RunPython(add_terms, migrations.RunPython.noop)]
