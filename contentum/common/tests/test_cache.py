"""The Redis cache (settings with REDIS_URL) reuses its redis-py client and still behaves as
Django's own: the throttles read and write through it."""

import uuid

import pytest

from conftest import TEST_REDIS_URL
from contentum.common.cache import RedisCache

pytestmark = pytest.mark.redis


@pytest.fixture
def redis_cache():
    backend = RedisCache(TEST_REDIS_URL, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    yield backend
    backend.clear()


def test_one_client_serves_every_call(redis_cache):
    client = redis_cache._cache.get_client()

    assert redis_cache._cache.get_client(write=True) is client
    assert redis_cache._cache.get_client() is client


def test_values_round_trip_as_with_djangos_cache(redis_cache):
    redis_cache.set("key", {"history": [1.5, 2.0]}, 30)
    assert redis_cache.add("key", "other", 30) is False
    assert redis_cache.get("key") == {"history": [1.5, 2.0]}

    redis_cache.delete("key")

    assert redis_cache.get("key") is None
    assert redis_cache.get_many(["key", "missing"]) == {}
