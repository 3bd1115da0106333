"""Revoke an agency system's API credentials at once (its tokens stop working):

manage.py api_client_revoke --client-id 8Zq... --reason "Laptop with the secret was lost"
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safeguarding.access.models import User
from safeguarding.api.models import ApiClient
from safeguarding.api.services import api_client_revoke
from safeguarding.core.errors import DomainError


class Command(BaseCommand):
    help = "Revoke an agency system's API credentials: its tokens stop working and no new one is issued."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--client-id", required=True, help="The client ID printed when it was issued")
        parser.add_argument("--reason", required=True, help="Why (kept in the audit)")
        parser.add_argument("--by", default="", help="The username of the person revoking them")

    def handle(self, *args: Any, **options: Any) -> None:
        client = ApiClient.objects.select_related("agency").filter(application__client_id=options["client_id"]).first()
        if client is None:
            raise CommandError(f"No API client has the client ID {options['client_id']!r}")
        by = None
        if options["by"]:
            by = User.objects.filter(username=options["by"]).first()
            if by is None:
                raise CommandError(f"No user is called {options['by']!r}")
        if not options["reason"].strip():
            raise CommandError("Give the reason for revoking the credentials (--reason)")
        try:
            api_client_revoke(client=client, by=by, reason=options["reason"].strip())
        except DomainError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Revoked the API credentials of {client.name} ({client.agency.name}).")
