"""The status flag load of `benchmarks.flags`: each locust user is one agency system with its own
bearer token, looking up NHS numbers with no wait between calls. Any answer but 200 counts as
an error (the numbers are all in the index). Tokens and numbers come from FLAGS_LOAD_FILE."""

import itertools
import json
import os
import random
from pathlib import Path
from typing import Any

from locust import FastHttpUser, constant, task

LOAD = json.loads(Path(os.environ["FLAGS_LOAD_FILE"]).read_text())
TOKENS = itertools.cycle(LOAD["tokens"])


class AgencySystem(FastHttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        self.token = next(TOKENS)
        self.rng = random.Random(self.token)

    @task
    def look_up(self) -> None:
        number = self.rng.choice(LOAD["nhs_numbers"])
        body: dict[str, Any] = {"nhs_number": number, "purpose": "Seen in A&E"}
        self.client.post(
            "/api/v1/status-flags/search/",
            json=body,
            headers={"Authorization": f"Bearer {self.token}"},
            name="POST /api/v1/status-flags/search/",
        )
