"""`manage.py linkage_train`: train a new version of the linkage model on the child index.

Expectation maximisation needs no labelled pairs: it learns from the index as it stands
(issue 4, item 5). The new version keeps the active model's thresholds and becomes the
active model, unless `--no-activate`, when a reviewer can look at its match weights chart
first (/linkage/model/versions/) and make it active there.
"""

import time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.urls import NoReverseMatch, reverse

from safeguarding.access.models import User
from safeguarding.linkage.index import active_children
from safeguarding.linkage.models import LinkageModel
from safeguarding.linkage.training import linkage_model_train


class Command(BaseCommand):
    help = "Train a new version of the linkage model on the child index, and make it the active model."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--no-activate",
            action="store_true",
            help="Save the new version without making it the active model",
        )
        parser.add_argument(
            "--by",
            metavar="USERNAME",
            default="",
            help="The person the new version is recorded as trained by (default: the system)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        by = None
        if options["by"]:
            by = User.objects.filter(username=options["by"], is_active=True).first()
            if by is None:
                raise CommandError(f"No active user with the username {options['by']!r}")
        current = LinkageModel.objects.filter(is_active=True).first()
        children = active_children().count()
        self.stdout.write(f"Training on the child index: {children:,} children")
        started = time.perf_counter()
        try:
            model = linkage_model_train(by=by, activate=not options["no_activate"])
        except ValidationError as exc:
            stays = f" Version {current.version} stays the active model." if current else ""
            raise CommandError(" ".join(exc.messages) + "." + stays) from None
        elapsed = time.perf_counter() - started
        self.stdout.write(f"{model.notes}; {elapsed:.1f} s in all, reading the index included")
        self.stdout.write(
            f"Thresholds: auto-link at a match weight of {model.auto_link_weight:g}, "
            f"review from {model.review_weight:g}"
        )
        if model.is_active:
            self.stdout.write(self.style.SUCCESS(f"Version {model.version} trained and now the active model"))
        else:
            still = f"version {current.version} stays active" if current else "no version is active"
            self.stdout.write(
                self.style.SUCCESS(f"Version {model.version} trained, not active ({still})")
                + f": look at its match weights and make it active at {_versions_url()}"
            )


def _versions_url() -> str:
    try:
        return reverse("linkage:model-versions")
    except NoReverseMatch:
        return "the linkage model versions page"
