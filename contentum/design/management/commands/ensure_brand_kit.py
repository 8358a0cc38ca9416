from typing import Any

from django.core.management.base import BaseCommand

from contentum.design.services import brand_kit_ensure_demo


class Command(BaseCommand):
    help = (
        "On a fresh install (no brand kit yet) creates an active example kit, «Пример: театр», "
        "with colours and a logo; does nothing once any kit exists."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        kit = brand_kit_ensure_demo()
        if kit is not None:
            self.stdout.write(
                f"Brand kit «{kit.name}» created and active: edit it in the admin "
                "(Фирменные стили) or switch it off."
            )
