"""Create a firm and its first admin: `manage.py firm_create --name N --slug S --admin-email E`.

Prints the admin's set-password link (on EARSHOT_BASE_URL); `--send` also e-mails it."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from feedback.workspace.services.firms import firm_create
from feedback.workspace.services.members import invite_link, member_invite_send


class Command(BaseCommand):
    help = "Create a firm with its first admin, who sets a password from the printed link."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--name", required=True, help="The firm's name.")
        parser.add_argument("--slug", required=True, help="Short unique identifier.")
        parser.add_argument("--admin-email", required=True, help="The first admin's e-mail.")
        parser.add_argument("--admin-name", default="", help="The first admin's full name.")
        parser.add_argument("--send", action="store_true", help="E-mail the link as well.")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            admin = firm_create(
                name=opts["name"],
                slug=opts["slug"],
                admin_email=opts["admin_email"],
                admin_name=opts["admin_name"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc

        def absolute(path: str) -> str:
            return settings.EARSHOT_BASE_URL.rstrip("/") + path

        if opts["send"]:
            member_invite_send(member=admin, absolute=absolute)
        self.stdout.write(f"Created {admin.firm.name} ({admin.firm.slug}).")
        self.stdout.write(f"{admin.user.email} sets a password at: {invite_link(admin, absolute)}")
