"""Print the demo sign-ins: username, role, agency, password, TOTP secret and current code."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguarding.synthetic.demo import DEMO_PASSWORD, DEVICE_NAME, base32_secret, current_code
from safeguarding.synthetic.plan import DEMO_USERS


class Command(BaseCommand):
    help = "Print the demo users' sign-in details (synthetic data only)."

    def handle(self, *args: Any, **options: Any) -> None:
        devices = {
            d.user.username: d
            for d in TOTPDevice.objects.filter(
                name=DEVICE_NAME, user__username__in=[u.username for u in DEMO_USERS]
            ).select_related("user__role", "user__agency")
        }
        if not devices:
            raise CommandError("There are no demo users. Load the demo first: manage.py seed_demo")
        rows = [("Username", "Role", "Agency", "Password", "Authenticator secret (base32)", "Code now")]
        for demo in DEMO_USERS:
            device = devices.get(demo.username)
            if device is None:
                continue
            user = device.user
            rows.append(
                (
                    user.username,
                    str(user.role or ""),
                    str(user.agency or ""),
                    DEMO_PASSWORD,
                    base32_secret(device),
                    current_code(device),
                )
            )
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        self.stdout.write("Demo sign-ins (synthetic data only; never use these accounts with real records)\n")
        for n, row in enumerate(rows):
            self.stdout.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
            if n == 0:
                self.stdout.write("  ".join("-" * width for width in widths))
        self.stdout.write(
            "\nSign in at http://127.0.0.1:8000/sign-in/ with a username and the password above, then the "
            "security code.\nCodes change every 30 seconds. Add the secret to an authenticator app, or get a "
            "fresh code with:\n  manage.py demo_code <username>"
        )
