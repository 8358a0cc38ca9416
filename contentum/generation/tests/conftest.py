"""Fixtures of the generation tests: the fake Fusion Brain and a client pointed at it."""

import pytest

from contentum.generation.tests.fake_fusionbrain import FakeFusionBrain


@pytest.fixture
def fusionbrain():
    with FakeFusionBrain() as server:
        yield server


@pytest.fixture
def kandinsky(fusionbrain):
    provider = fusionbrain.provider()
    yield provider
    provider.close()
