import pytest


@pytest.fixture(autouse=True)
def _design_media(media):
    """Every design test stores uploads in a folder of its own (the root `media` fixture)."""
    return media
