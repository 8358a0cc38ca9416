"""Kombu's Redis transport, publishing through one redis-py client per channel.

Kombu builds a new `redis.Redis` for every message it publishes, and redis-py builds each
client's table of response callbacks anew: about a fifth of the CPU of a Celery publish
(every finished chat sends one). A client is only a handle on its channel's connection
pool and is safe to share; the consumer's own clients (`asynchronous=True`) are untouched.
The same reasoning as `common.cache` for Django's Redis cache.
"""

from typing import Any

from kombu.transport import redis


class Channel(redis.Channel):
    def _create_client(self, asynchronous: bool = False) -> Any:
        if asynchronous:
            return super()._create_client(asynchronous=True)
        client = self.__dict__.get("_shared_client")
        if client is None:
            client = self._shared_client = super()._create_client()
        return client


class Transport(redis.Transport):
    Channel = Channel
