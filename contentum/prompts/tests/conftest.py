import pytest

from contentum.prompts import llm
from contentum.prompts.tests.fake_gigachat import fake_gigachat  # noqa: F401 (a fixture)


@pytest.fixture
def gigachat(settings, fake_gigachat):  # noqa: F811
    """GigaChat enrichment pointed at the fake, with tiny timeouts so failures are quick."""
    settings.ENRICHER = "gigachat"
    settings.ENRICH_KEYS = ["idea"]
    settings.GIGACHAT_CREDENTIALS = fake_gigachat.credentials
    settings.GIGACHAT_SCOPE = fake_gigachat.scope
    settings.GIGACHAT_BASE_URL = fake_gigachat.base_url
    settings.GIGACHAT_AUTH_URL = fake_gigachat.auth_url
    settings.GIGACHAT_TIMEOUT_SECONDS = 0.5
    settings.GIGACHAT_MAX_RETRIES = 1
    settings.GIGACHAT_RETRY_BACKOFF_SECONDS = 0.01
    settings.GIGACHAT_RETRY_AFTER_MAX_SECONDS = 1.0
    llm.reset_client()
    yield fake_gigachat
    llm.reset_client()
