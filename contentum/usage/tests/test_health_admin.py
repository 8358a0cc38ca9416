"""«Состояние провайдеров» in the Django admin: on the index, read-only, with the figures."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from contentum.generation.models import AttemptStatus
from contentum.generation.tests.factories import GenerationAttemptFactory

PAGE = "/admin/usage/providerhealthreport/"

pytestmark = pytest.mark.django_db


def finished(provider: str, status: str, *, ago: float, took: float, **fields) -> None:
    at = timezone.now() - timedelta(seconds=ago)
    GenerationAttemptFactory(
        provider=provider,
        status=status,
        submitted_at=at - timedelta(seconds=took),
        finished_at=at,
        **fields,
    )


def test_the_admin_index_links_the_page(admin_browser):
    html = admin_browser.get("/admin/").content.decode()

    assert f'href="{PAGE}"' in html
    assert "Состояние провайдеров" in html


def test_the_page_shows_each_providers_last_success_error_and_latency(admin_browser, settings):
    settings.IMAGE_PROVIDER = "kandinsky"
    finished("kandinsky", AttemptStatus.SUCCESS, ago=120, took=8, model="Kandinsky 3.1")
    finished("kandinsky", AttemptStatus.FAILED, ago=60, took=1, error="Ошибка на стороне (502).")
    finished("openai", AttemptStatus.SUCCESS, ago=30, took=25, model="sd-turbo")

    response = admin_browser.get(PAGE)

    assert response.status_code == 200
    html = response.content.decode()
    assert [h.provider for h in response.context["providers"]] == ["kandinsky", "openai"]
    assert "(IMAGE_PROVIDER)" in html
    assert "Kandinsky 3.1" in html and "sd-turbo" in html
    assert "Ошибка на стороне (502)." in html
    assert [h.latency_p50 for h in response.context["providers"]] == [8.0, 25.0]
    assert "<td>8,0</td>" in html and "<td>25,0</td>" in html  # seconds, Russian locale


def test_the_page_is_read_only(admin_browser):
    assert admin_browser.get(f"{PAGE}add/").status_code == 404
    assert admin_browser.post(PAGE).status_code == 200  # the same page, nothing changed


def test_the_page_needs_an_admin(employee):
    client = Client()
    client.force_login(employee)

    response = client.get(PAGE)

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
