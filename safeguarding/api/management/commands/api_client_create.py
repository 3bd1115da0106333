"""Issue an agency's system its API credentials, printing the secret once:

    manage.py api_client_create --agency "Riverside Primary School" --name "Riverside MIS" \
        --scopes concerns:write referrals:write referrals:read feeds:write flags:read

The secret is stored hashed: it cannot be shown again. Give it to the agency's data team by a
secure route; if it is lost, revoke the client (`api_client_revoke`) and issue another.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from safeguarding.access.models import Agency, User
from safeguarding.api.authentication import all_scopes
from safeguarding.api.services import api_client_create


class Command(BaseCommand):
    help = "Issue an agency's system its OAuth2 client credentials for the agency API (prints the secret once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency", required=True, help="The agency, by name (or by its code)")
        parser.add_argument("--name", required=True, help="The system, e.g. 'Riverside MIS'")
        parser.add_argument(
            "--scopes",
            nargs="+",
            required=True,
            help=f"One or more of {', '.join(all_scopes())} (space- or comma-separated), or 'all'",
        )
        parser.add_argument("--by", default="", help="The username of the person issuing them")

    def handle(self, *args: Any, **options: Any) -> None:
        wanted = options["agency"]
        agency = (
            Agency.objects.filter(name=wanted).first() or Agency.objects.filter(code=wanted).exclude(code="").first()
        )
        if agency is None:
            raise CommandError(f"No agency is called {wanted!r} (or has that code)")
        by = None
        if options["by"]:
            by = User.objects.filter(username=options["by"]).first()
            if by is None:
                raise CommandError(f"No user is called {options['by']!r}")
        scopes = [s for item in options["scopes"] for s in item.replace(",", " ").split()]
        if scopes == ["all"]:
            scopes = list(all_scopes())
        try:
            client, secret = api_client_create(name=options["name"], agency=agency, scopes=scopes, by=by)
        except ValidationError as error:
            raise CommandError(" ".join(m for ms in error.message_dict.values() for m in ms)) from None
        self.stdout.write(
            f"Issued API credentials for {client.name} ({agency.name}).\n"
            f"  Client ID:     {client.application.client_id}\n"
            f"  Client secret: {secret}\n"
            f"  Scopes:        {' '.join(client.scopes)}\n"
            "The secret is shown only now and is stored hashed: give it to the agency's data team by a "
            "secure route. If it is lost, revoke the client and issue another."
        )
