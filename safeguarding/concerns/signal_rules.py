"""Signals: transparent rules over the chronology. (Filled in by the signals work.)"""

from safeguarding.people.models import Child


def signals_evaluate(*, child: Child) -> None:
    return None
