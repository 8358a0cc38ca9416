from django.core.management.base import BaseCommand

from contentum.chats.services import chats_expire


class Command(BaseCommand):
    help = "Deletes temporary chats (no answer yet) whose expiry time has passed."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size: int, **options) -> None:
        removed = chats_expire(batch_size=batch_size)
        self.stdout.write(f"Expired temporary chats removed: {removed}")
