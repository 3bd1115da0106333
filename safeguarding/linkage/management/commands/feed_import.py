"""Import an agency's CSV extract from disk, with a progress bar:

    manage.py feed_import roll.csv --agency "Riverside Primary School" --kind school_roll
    manage.py feed_import people.csv --agency "Youth Justice Service" --kind person_file \
        --mapping '{"first_name": "Given", "last_name": "Family", "date_of_birth": "Born"}'

The same file twice is refused; an import stopped part way is resumed by running
`feed_imports_run` (or this command again with --resume ID).
"""

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from safeguarding.access.models import Agency, User
from safeguarding.linkage.feeds import (
    MAX_FILE_BYTES,
    counts_of,
    decode,
    feed_import_create,
    feed_import_run,
    waiting_for_columns,
)
from safeguarding.linkage.models import FeedImport, FeedKind, FeedStatus


def run_with_bar(feed_import: FeedImport, *, chunk: int, quiet: bool) -> FeedImport:
    bar = tqdm(
        total=feed_import.total_rows,
        initial=feed_import.rows_done,
        desc=feed_import.file_name[:40],
        unit="row",
        disable=quiet,
    )

    def progress(current: FeedImport) -> None:
        bar.update(current.rows_done - bar.n)

    try:
        return feed_import_run(feed_import=feed_import, chunk=chunk, on_progress=progress)
    finally:
        bar.close()


def report(command: BaseCommand, feed_import: FeedImport) -> None:
    counts = counts_of(feed_import)
    command.stdout.write(
        f"{feed_import.file_name}: {feed_import.rows_done:,} of {feed_import.total_rows:,} rows. "
        f"Linked to a child already on the index: {counts['linked']:,}; new children: {counts['new']:,}; "
        f"new children with a possible match queued for review: {counts['review']:,}; "
        f"unchanged: {counts['unchanged']:,}; rejected: {counts['rejected']:,}."
    )
    if feed_import.status == FeedStatus.FAILED:
        raise CommandError(f"Import {feed_import.pk} stopped: {feed_import.error}")


class Command(BaseCommand):
    help = "Import an agency's CSV extract (school roll, GP registrations, A&E, police, any person file)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--agency", required=True, help="The agency that sent the file, by name")
        parser.add_argument("--kind", required=True, choices=FeedKind.values)
        parser.add_argument("--mapping", default="", help="For a person file: JSON, our field -> the file's heading")
        parser.add_argument("--by", default="", help="The username of the person importing it")
        parser.add_argument("--chunk", type=int, default=200)
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        try:
            agency = Agency.objects.get(name=options["agency"])
        except Agency.DoesNotExist:
            raise CommandError(f"No agency is called {options['agency']!r}") from None
        by = None
        if options["by"]:
            by = User.objects.filter(username=options["by"]).first()
            if by is None:
                raise CommandError(f"No user is called {options['by']!r}")
        mapping = None
        if options["mapping"]:
            try:
                mapping = json.loads(options["mapping"])
            except json.JSONDecodeError as error:
                raise CommandError(f"--mapping is not JSON: {error}") from None
            if not isinstance(mapping, dict):
                raise CommandError("--mapping must be a JSON object: our field -> the file's heading")
        if options["kind"] == FeedKind.PERSON_FILE and not mapping:
            raise CommandError("A person file needs --mapping")
        if not path.is_file():
            raise CommandError(f"No file at {path}")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise CommandError(f"{path} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
        try:
            feed_import = feed_import_create(
                agency=agency,
                kind=options["kind"],
                file_name=path.name,
                content=decode(path.read_bytes()),
                mapping=mapping,
                by=by,
            )
        except ValidationError as error:
            raise CommandError(" ".join(m for ms in error.message_dict.values() for m in ms)) from None
        assert not waiting_for_columns(feed_import)
        feed_import = run_with_bar(feed_import, chunk=options["chunk"], quiet=options["no_progress"])
        report(self, feed_import)
