"""Helpers shared by the browser journeys: dates in England and GOV.UK date inputs."""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """A moment in England on `day`, to travel to."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


def fill_date(page: Any, legend: str, day: dt.date) -> None:
    """Fill the Day, Month and Year boxes of the date question headed `legend`."""
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))
