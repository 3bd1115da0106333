"""Signals: transparent rules over the chronology. (Filled in by the signals work.)"""

from django.db.models import QuerySet

from safeguarding.concerns.models import ChildSignal
from safeguarding.people.models import Child


def signals_evaluate(*, child: Child) -> None:
    return None


def child_signals(child: Child) -> QuerySet[ChildSignal]:
    """The child's active signals, newest first, with the entries that caused them."""
    return ChildSignal.objects.filter(child=child, cleared_at__isnull=True).prefetch_related("entries")
