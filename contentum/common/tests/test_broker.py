"""Kombu's Redis transport with one publishing client per channel: messages still go to
their queue and come back out, in order, through kombu's own consumer side."""

import uuid

import pytest
from kombu import Connection, Exchange, Queue

from conftest import TEST_REDIS_URL
from contentum.common.broker import Transport

pytestmark = pytest.mark.redis


@pytest.fixture
def connection():
    with Connection(TEST_REDIS_URL, transport=Transport) as conn:
        yield conn


@pytest.fixture
def queue(connection):
    name = f"test-{uuid.uuid4().hex}"
    queue = Queue(name, Exchange(name), routing_key=name)
    yield queue
    queue(connection.default_channel).delete()


def test_the_workers_and_the_web_use_this_transport_with_redis(settings):
    if not settings.REDIS_URL:
        pytest.skip("embedded mode: the broker is kombu's filesystem transport")
    from contentum.celery import app

    assert isinstance(app.connection_for_write().transport, Transport)


def test_one_client_publishes_every_message(connection):
    channel = connection.default_channel

    assert channel._create_client() is channel._create_client()
    assert channel._create_client(asynchronous=True) is not channel._create_client()


def test_published_messages_arrive_in_order(connection, queue):
    producer = connection.Producer()
    for number in range(3):
        producer.publish(
            {"n": number},
            exchange=queue.exchange,
            routing_key=queue.routing_key,
            declare=[queue],
        )

    with connection.SimpleQueue(queue) as received:
        bodies = [received.get(timeout=2).payload for _ in range(3)]

    assert bodies == [{"n": 0}, {"n": 1}, {"n": 2}]
