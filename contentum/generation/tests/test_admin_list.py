"""The task list in the Django admin: filtered by owner (only those who have tasks),
compact columns that fit 1280 px, and a fixed number of queries."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contentum.accounts.tests.factories import UserFactory
from contentum.generation.models import GenerationTask
from contentum.generation.tests.factories import FinishedTaskFactory, GenerationTaskFactory

pytestmark = pytest.mark.django_db

TASKS = "/admin/generation/generationtask/"


def test_the_owner_filter_offers_only_users_with_tasks_and_filters(admin_browser):
    alice = UserFactory(email="alice@example.com")
    bob = UserFactory(email="bob@example.com")
    UserFactory(email="nobody@example.com")
    mine = GenerationTaskFactory(owner=alice)
    GenerationTaskFactory(owner=bob)

    response = admin_browser.get(TASKS, {"owner__id__exact": str(alice.pk)})

    assert [t.pk for t in response.context["cl"].result_list] == [mine.pk]
    owner_filter = next(
        spec for spec in response.context["cl"].filter_specs if spec.title == "владелец"
    )
    offered = {label for _, label in owner_filter.lookup_choices}
    assert offered == {"alice@example.com", "bob@example.com"}


def test_columns_are_compact(admin_browser, settings):
    settings.TIME_ZONE = "Europe/Moscow"
    task = FinishedTaskFactory(
        owner=UserFactory(email="a.very.long.name@example.com"),
        width=1024,
        height=576,
        attempts=2,
        max_attempts=3,
    )
    created = datetime(2026, 12, 2, 10, 5, tzinfo=ZoneInfo("UTC"))
    GenerationTask.objects.filter(pk=task.pk).update(created_at=created)

    html = admin_browser.get(TASKS).content.decode()

    def cell(name: str) -> str:
        return re.search(rf'<td class="field-{name}[^"]*">(.*?)</td>', html, re.S).group(1)

    assert cell("size_attempts") == "1024×576<br>2/3"
    assert cell("created_took") == "02.12.26 13:05<br>0.0 с"  # Moscow time, short
    assert cell("owner_email") == "a.very.long.name<wbr>@example.com"
    headers = re.findall(r'<th scope="col" class="[^"]*column-([a-z_]+)', html)
    assert headers == [
        "short_id",
        "preview",
        "owner_email",
        "status",
        "variant_label",
        "size_attempts",
        "provider",
        "created_took",
    ]


def test_the_list_costs_the_same_queries_for_2_owners_as_for_10(admin_browser):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert admin_browser.get(TASKS).status_code == 200
        return len(queries)

    for _ in range(2):
        GenerationTaskFactory()
    few = count()
    for _ in range(8):
        GenerationTaskFactory()
    assert count() == few
