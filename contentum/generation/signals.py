"""Image files leave storage with the attempts that made them.

Attempts are deleted by cascades (a user deleted, a task deleted in the Django admin) that
no service of ours runs, so this is a `post_delete` receiver rather than a service call.
Files are removed only once the deletion commits: a rolled-back delete keeps them.
"""

import logging
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from contentum.generation.models import GenerationAttempt

logger = logging.getLogger(__name__)


@receiver(post_delete, sender=GenerationAttempt, dispatch_uid="generation.attempt_files")
def delete_attempt_files(sender: Any, instance: GenerationAttempt, using: str, **_: Any) -> None:
    files = [(f.storage, f.name) for f in (instance.image, instance.thumbnail) if f.name]
    if files:
        transaction.on_commit(lambda: _delete(files), using=using)


def _delete(files: list[tuple[Any, str]]) -> None:
    for storage, name in files:
        try:
            storage.delete(name)
        except Exception:  # a missing or unreachable file must not fail the deletion
            logger.warning("Could not delete the image file %s", name, exc_info=True)
