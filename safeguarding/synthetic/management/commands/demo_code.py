"""Print a demo user's current security code: `manage.py demo_code dsl`."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguarding.synthetic.demo import DEVICE_NAME, current_code


class Command(BaseCommand):
    help = "Print the current TOTP security code of a demo user (synthetic data only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        device = TOTPDevice.objects.filter(user__username=options["username"], name=DEVICE_NAME).first()
        if device is None:
            raise CommandError(f"{options['username']!r} is not a demo user. See: manage.py demo_signins")
        self.stdout.write(current_code(device))
