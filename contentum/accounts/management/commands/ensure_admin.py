import secrets

from django.conf import settings
from django.core.management.base import BaseCommand

from contentum.accounts.services import admin_ensure


class Command(BaseCommand):
    help = "Makes sure an admin exists (CONTENTUM_ADMIN_EMAIL / CONTENTUM_ADMIN_PASSWORD)."

    def handle(self, *args, **options) -> None:
        email = settings.ADMIN_EMAIL or "admin@contentum.local"
        password = settings.ADMIN_PASSWORD or secrets.token_urlsafe(12)
        user, created = admin_ensure(email=email, password=password)
        if not created:
            self.stdout.write(f"Admin: {user.email} (exists)")
        elif settings.ADMIN_PASSWORD:
            self.stdout.write(
                f"Admin created: {user.email} (password from CONTENTUM_ADMIN_PASSWORD)"
            )
        else:
            self.stdout.write(
                self.style.WARNING(f"Admin created: {user.email} / {password}  (shown once)")
            )
