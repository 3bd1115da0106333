"""Install the reference linkage model (trained on synthetic records) as version 1, so that
matching works from the first day; `manage.py linkage_train` replaces it with a model
trained on the authority's own index once it holds enough children."""

import json
from pathlib import Path

from django.db import migrations

REFERENCE = Path(__file__).resolve().parent.parent / "reference_model.json"


def install(apps, schema_editor):  # type: ignore[no-untyped-def]
    LinkageModel = apps.get_model("linkage", "LinkageModel")
    if LinkageModel.objects.exists():
        return
    LinkageModel.objects.create(
        version=1,
        splink_settings=json.loads(REFERENCE.read_text()),
        trained_on_records=0,
        auto_link_weight=11.0,
        review_weight=6.0,
        is_active=True,
        notes="Reference model, trained on synthetic records: retrain on the index with manage.py linkage_train",
    )


def remove(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("linkage", "LinkageModel").objects.filter(version=1, trained_on_records=0).delete()


class Migration(migrations.Migration):
    dependencies = [("linkage", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
