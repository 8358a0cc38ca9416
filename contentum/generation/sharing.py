"""Signed links that open one task's image without a token, until they expire.

The signature carries the task id and its own expiry time, so a link keeps the lifetime
it was made with even if GENERATION_SHARE_TTL_SECONDS changes later. It is an HMAC with
SECRET_KEY (django.core.signing): rotating the key voids every link at once.
"""

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core import signing

SALT = "contentum.generation.share"


class InvalidShareLink(Exception):
    """Forged, damaged, expired or made for another task."""


@dataclass(frozen=True)
class ShareToken:
    signature: str
    expires_at: datetime


def sign(task_id: Any, *, ttl_seconds: int, now: float | None = None) -> ShareToken:
    expires = int((now if now is not None else time.time()) + ttl_seconds)
    signature = signing.dumps({"t": str(task_id), "e": expires}, salt=SALT, compress=False)
    return ShareToken(signature=signature, expires_at=datetime.fromtimestamp(expires, tz=UTC))


def verify(signature: str, *, task_id: Any, now: float | None = None) -> None:
    """Returns quietly when `signature` opens `task_id` now; raises InvalidShareLink else."""
    try:
        payload = signing.loads(signature, salt=SALT)
    except signing.BadSignature as exc:
        raise InvalidShareLink("bad signature") from exc
    if not isinstance(payload, dict) or payload.get("t") != str(task_id):
        raise InvalidShareLink("another task")
    expires = payload.get("e")
    if not isinstance(expires, int) or expires < (now if now is not None else time.time()):
        raise InvalidShareLink("expired")
