"""Resume every feed import that is waiting or was stopped part way (by a restart, a deploy,
a crash): for a worker, a cron job, or by hand after a restart.

    manage.py feed_imports_run            # queued and running imports
    manage.py feed_imports_run --failed   # and those that stopped with an error
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safeguarding.linkage.feeds import feed_import_retry, feed_imports_pending
from safeguarding.linkage.management.commands.feed_import import report, run_with_bar
from safeguarding.linkage.models import FeedImport, FeedStatus


class Command(BaseCommand):
    help = "Resume every queued or interrupted feed import (and, with --failed, those that stopped)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--failed", action="store_true", help="Also try again imports that stopped with an error")
        parser.add_argument("--chunk", type=int, default=200)
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["failed"]:
            for stopped in FeedImport.objects.filter(status=FeedStatus.FAILED).defer("content"):
                feed_import_retry(feed_import=stopped, by=None)
        pending = feed_imports_pending()
        if not pending:
            self.stdout.write("No feed imports to run.")
            return
        failed = []
        for feed_import in pending:
            done = run_with_bar(feed_import, chunk=options["chunk"], quiet=options["no_progress"])
            try:
                report(self, done)
            except CommandError as error:
                self.stderr.write(str(error))
                failed.append(done.pk)
        if failed:
            raise CommandError(f"{len(failed)} import{'s' if len(failed) != 1 else ''} stopped: {failed}")
