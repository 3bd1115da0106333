import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

# A fixed moment for the loads that are compared with a plan (no midnight race).
LOAD_MOMENT = dt.datetime(2025, 6, 2, 10, 30, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def fast_hasher(settings):  # type: ignore[no-untyped-def]
    # Argon2 is deliberately slow; the demo users' passwords need not be in tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def seed(db) -> Callable[..., None]:  # type: ignore[no-untyped-def]
    def load(
        size: int = 150, seed: int = 1, *, signals: bool = False, sharing: bool = False, at: dt.datetime | None = None
    ) -> None:
        options = {
            "size": size,
            "seed": seed,
            "skip_signals": not signals,
            "no_progress": True,
            "skip_linkage": True,
            "skip_sharing": not sharing,
        }
        if at is None:
            call_command("seed_demo", **options)
        else:
            with time_machine.travel(at, tick=True):
                call_command("seed_demo", **options)

    return load
