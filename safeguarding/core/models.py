from django.conf import settings
from django.db import models
from django.utils import timezone


class RecordedModel(models.Model):
    """A record entered by a person: who and when. Never updated in place; see amendments."""

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        abstract = True
