import pytest


@pytest.fixture(autouse=True)
def _moscow(settings):
    """The hand-worked figures use Moscow's local dates, whatever TIME_ZONE says."""
    settings.TIME_ZONE = "Europe/Moscow"
