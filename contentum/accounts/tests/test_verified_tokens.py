"""The per-process cache of verified tokens stays bounded and forgets expired tokens."""

from datetime import timedelta

import pytest
import time_machine
from rest_framework_simplejwt.tokens import AccessToken

from contentum.accounts.authentication import VerifiedTokens


def issued() -> tuple[bytes, AccessToken]:
    token = AccessToken()
    return str(token).encode(), token


@pytest.mark.django_db
def test_the_cache_keeps_at_most_its_size_dropping_the_oldest_first():
    cache = VerifiedTokens(max_size=2)
    (raw1, token1), (raw2, token2), (raw3, token3) = issued(), issued(), issued()

    cache.add(raw1, token1)
    cache.add(raw2, token2)
    cache.add(raw3, token3)

    assert len(cache) == 2
    assert cache.get(raw1) is None
    assert cache.get(raw2) is token2
    assert cache.get(raw3) is token3


@pytest.mark.django_db
def test_an_expired_token_is_forgotten():
    cache = VerifiedTokens(max_size=10)
    raw, token = issued()
    cache.add(raw, token)

    with time_machine.travel(token.current_time + token.lifetime + timedelta(seconds=1)):
        assert cache.get(raw) is None

    assert len(cache) == 0
