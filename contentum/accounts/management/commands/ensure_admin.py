from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from contentum.accounts.services import AdminEnsureOutcome, admin_ensure
from contentum.common.exceptions import ApplicationError


class Command(BaseCommand):
    help = (
        "Makes sure an admin exists (CONTENTUM_ADMIN_EMAIL / CONTENTUM_ADMIN_PASSWORD). An "
        "existing account with that email that is not an active admin is refused, unless "
        "--promote-existing or CONTENTUM_ADMIN_PROMOTE=true asks to promote it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--promote-existing",
            action="store_true",
            help="Promote an existing account with the admin email: its password becomes "
            "CONTENTUM_ADMIN_PASSWORD and its sessions are revoked.",
        )

    def handle(self, *args: Any, promote_existing: bool = False, **options: Any) -> None:
        try:
            result = admin_ensure(
                email=settings.ADMIN_EMAIL or "admin@contentum.local",
                password=settings.ADMIN_PASSWORD,
                promote=promote_existing or settings.ADMIN_PROMOTE,
            )
        except ApplicationError as exc:
            # One line on stderr and exit status 1: `make run` (set -e) stops there.
            raise CommandError(exc.message) from exc
        email = result.user.email
        if result.outcome == AdminEnsureOutcome.EXISTS:
            self.stdout.write(f"Admin: {email} (exists)")
        elif result.outcome == AdminEnsureOutcome.PROMOTED:
            self.stdout.write(
                self.style.WARNING(
                    f"Admin promoted: {email} (password from CONTENTUM_ADMIN_PASSWORD, "
                    "its sessions revoked)"
                )
            )
        elif result.generated_password:
            self.stdout.write(
                self.style.WARNING(
                    f"Admin created: {email} / {result.generated_password}  (shown once)"
                )
            )
        else:
            self.stdout.write(f"Admin created: {email} (password from CONTENTUM_ADMIN_PASSWORD)")
