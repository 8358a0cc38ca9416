"""The user list in the Django admin shows the team at a glance: this month's results and
failures, the quota used, the last activity; in a fixed number of queries."""

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from contentum.accounts.models import User
from contentum.accounts.tests.factories import UserFactory
from contentum.chats.models import Chat
from contentum.generation.models import GenerationTask, TaskStatus
from contentum.generation.tests.factories import GenerationTaskFactory

pytestmark = pytest.mark.django_db

USERS = "/admin/accounts/user/"
MOSCOW = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 5, 17, 12, 0, tzinfo=MOSCOW)
COLUMNS = ["made_this_month", "failed_this_month", "quota_this_month", "last_activity"]


@pytest.fixture(autouse=True)
def moscow(settings):
    settings.TIME_ZONE = "Europe/Moscow"
    settings.GENERATION_MONTHLY_QUOTA = 0


def task(owner: User, status: str, created_at: datetime, **fields) -> GenerationTask:
    made = GenerationTaskFactory(owner=owner, status=status, **fields)
    GenerationTask.objects.filter(pk=made.pk).update(created_at=created_at)
    return made


def cells(html: str, email: str) -> dict[str, str]:
    """The text of each column (by its `field-<name>` class) in the row of `email`."""
    row = next(r for r in re.findall(r"<tr.*?</tr>", html, re.S) if f">{email}<" in r)
    found = re.findall(r'<t[dh] class="field-([a-z_]+)[^"]*">(.*?)</t[dh]>', row, re.S)
    return {name: re.sub(r"<[^>]+>", "", value).strip() for name, value in found}


def test_the_list_shows_this_months_results_failures_quota_and_last_activity(admin_browser):
    busy = UserFactory(email="busy@example.com", monthly_image_quota=50)
    idle = UserFactory(email="idle@example.com")
    in_may = datetime(2026, 5, 3, 10, tzinfo=MOSCOW)
    task(busy, TaskStatus.SUCCESS, in_may)
    brief = task(
        busy, TaskStatus.SUCCESS, in_may, has_variants=True, variants_asked=2, images_charged=2
    )
    for number in (1, 2):  # a brief's variants are its parts, not results of their own
        task(busy, TaskStatus.SUCCESS, in_may, brief=brief, variant_number=number, images_charged=0)
    task(busy, TaskStatus.FAILED, in_may)
    task(busy, TaskStatus.PENDING, in_may)
    # 1 May 01:30 in Moscow is still 30 April in UTC: this month in TIME_ZONE.
    task(busy, TaskStatus.FAILED, datetime(2026, 4, 30, 22, 30, tzinfo=UTC))
    # 30 April 23:30 in Moscow: last month, however it ended.
    task(busy, TaskStatus.SUCCESS, datetime(2026, 4, 30, 20, 30, tzinfo=UTC))
    task(busy, TaskStatus.FAILED, datetime(2026, 4, 30, 20, 30, tzinfo=UTC))
    User.objects.filter(pk=busy.pk).update(last_login=datetime(2026, 5, 1, 9, 0, tzinfo=MOSCOW))

    with time_machine.travel(NOW, tick=False):
        response = admin_browser.get(USERS)

    html = response.content.decode()
    row = cells(html, "busy@example.com")
    assert row["made_this_month"] == "2"  # the plain task and the brief, not its variants
    assert row["failed_this_month"] == "2"
    assert row["quota_this_month"] == "6 из 50"  # 1 + brief 2 + failed 1 + pending 1 + 1 May 1
    assert row["last_activity"] == "03.05.2026 10:00"  # the newest task, after the login
    quiet = cells(html, "idle@example.com")
    assert [quiet[name] for name in COLUMNS] == ["0", "0", "0", "—"]
    # The counts open the task list of that owner and status.
    assert f"?owner__id__exact={busy.pk}&amp;status__exact=SUCCESS" in html
    assert f"?owner__id__exact={busy.pk}&amp;status__exact=FAILED" in html
    assert f"?owner__id__exact={idle.pk}" not in html


def test_last_activity_is_the_latest_of_login_task_and_chat(admin_browser, settings):
    settings.GENERATION_MONTHLY_QUOTA = 10
    user = UserFactory(email="chatty@example.com")
    task(user, TaskStatus.SUCCESS, datetime(2026, 5, 2, 8, tzinfo=MOSCOW))
    chat = Chat.objects.create(user=user, title="Афиша")
    Chat.objects.filter(pk=chat.pk).update(updated_at=datetime(2026, 5, 16, 21, 15, tzinfo=MOSCOW))
    User.objects.filter(pk=user.pk).update(last_login=datetime(2026, 5, 10, 9, tzinfo=MOSCOW))

    with time_machine.travel(NOW, tick=False):
        row = cells(admin_browser.get(USERS).content.decode(), "chatty@example.com")

    assert row["last_activity"] == "16.05.2026 21:15"
    assert row["quota_this_month"] == "1 из 10"  # the site-wide limit when none of its own


def _changelist_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(USERS).status_code == 200
    return len(queries)


def test_the_list_costs_the_same_queries_for_2_users_as_for_10(admin_browser):
    def busy_user() -> None:
        user = UserFactory()
        task(user, TaskStatus.SUCCESS, datetime.now(UTC))
        task(user, TaskStatus.FAILED, datetime.now(UTC))
        Chat.objects.create(user=user, title="Чат")

    busy_user()
    few = _changelist_queries(admin_browser)
    for _ in range(8):
        busy_user()
    many = _changelist_queries(admin_browser)

    assert User.objects.count() == 10  # with the admin
    assert many == few


def test_actions_still_work_on_the_annotated_list(admin_browser):
    """The list's extra columns are annotations: deleting or approving a selection from it
    is not disturbed by them."""
    gone = [UserFactory(), UserFactory()]
    for user in gone:
        task(user, TaskStatus.SUCCESS, datetime.now(UTC))
    pending = UserFactory(approved_at=None)

    deleted = admin_browser.post(
        USERS,
        {"action": "delete_selected", "_selected_action": [str(u.pk) for u in gone], "post": "yes"},
    )
    approved = admin_browser.post(
        USERS, {"action": "approve", "_selected_action": [str(pending.pk)]}
    )

    assert deleted.status_code == approved.status_code == 302
    assert not User.objects.filter(pk__in=[u.pk for u in gone]).exists()
    pending.refresh_from_db()
    assert pending.approved_at is not None
