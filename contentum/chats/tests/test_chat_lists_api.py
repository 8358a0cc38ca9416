import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contentum.accounts.tests.factories import UserFactory
from contentum.chats.models import Chat
from contentum.chats.tests.factories import ALL_ANSWERS, ALL_BUT_LAST, answers_before, make_chat


def make_many_chats(user, count):
    """`count` finished chats plus one unfinished, through the real flow."""
    for _ in range(count - 1):
        make_chat(user, answers=ALL_ANSWERS)
    return make_chat(user, answers=2)


@pytest.mark.django_db
def test_chat_list_shows_own_active_chats_with_counts(employee_client, employee):
    answered = answers_before("event_genre")
    mine = make_chat(employee, answers=answered)
    deleted = make_chat(UserFactory())
    make_chat(UserFactory())
    Chat.objects.filter(pk=deleted.pk).update(is_active=False)

    body = employee_client.get("/api/chats/").json()

    assert body["count"] == 1
    row = body["results"][0]
    assert row["id"] == str(mine.id)
    assert row["messageCount"] == 1 + 2 * answered
    assert row["lastMessage"]["payload"]["key"] == "event_genre"
    assert len(row["messages"]) == row["messageCount"]
    assert row["userEmail"] == employee.email


@pytest.mark.django_db
def test_admin_lists_all_chats_with_owner_and_filters(admin_client_api):
    anna = UserFactory(email="anna@example.com", full_name="Анна Смирнова")
    make_chat(anna, title="Афиша джаза")
    # A fixed name: a random one could be a Смирнова too (a common surname).
    chat = make_chat(UserFactory(full_name="Борис Иванов"), title="Постер выставки")
    Chat.objects.filter(pk=chat.pk).update(is_active=False)

    assert admin_client_api.get("/api/chats/").json()["count"] == 2
    inactive = admin_client_api.get("/api/chats/", {"isActive": "false"}).json()
    assert [c["title"] for c in inactive["results"]] == ["Постер выставки"]
    by_owner = admin_client_api.get("/api/chats/", {"search": "смирнова"}).json()
    assert [c["userEmail"] for c in by_owner["results"]] == ["anna@example.com"]
    by_title = admin_client_api.get("/api/chats/", {"ordering": "title"}).json()
    assert [c["title"] for c in by_title["results"]] == ["Афиша джаза", "Постер выставки"]


@pytest.mark.django_db
def test_chat_list_needs_at_most_four_queries_for_1_or_50_chats(employee, settings):
    from conftest import client_for

    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "generate": None}  # 49 finished chats
    client = client_for(employee)
    make_chat(employee, answers=1)
    with CaptureQueriesContext(connection) as one:
        assert client.get("/api/chats/").json()["count"] == 1
    Chat.objects.all().delete()
    make_many_chats(employee, 50)
    with CaptureQueriesContext(connection) as fifty:
        assert client.get("/api/chats/", {"page_size": 50}).json()["count"] == 50
    assert len(one) <= 4
    assert len(fifty) == len(one)


@pytest.mark.django_db
def test_chats_asking_for_a_format_cost_the_list_one_query_more(admin_user):
    """Their options are computed from the active formats: read once for the whole page."""
    from conftest import client_for

    client = client_for(admin_user)
    make_chat(UserFactory(), answers=ALL_BUT_LAST)
    with CaptureQueriesContext(connection) as one:
        body = client.get("/api/chats/").json()
    for _ in range(4):
        make_chat(UserFactory(), answers=ALL_BUT_LAST)
    with CaptureQueriesContext(connection) as five:
        assert client.get("/api/chats/").json()["count"] == 5

    assert len(five) == len(one)
    assert sum('FROM "design_format"' in q["sql"] for q in five.captured_queries) == 1
    question = body["results"][0]["current_question"]
    assert question["key"] == "format"
    assert "Обложка сообщества VK" in question["options"]


@pytest.mark.django_db
def test_chat_messages_come_oldest_first_in_four_queries(employee_client, employee):
    """The account, the chat, the count and the page: however long the chat."""
    chat = make_chat(employee, answers=4)

    with CaptureQueriesContext(connection) as queries:
        body = employee_client.get(f"/api/chats/{chat.id}/messages/", {"page_size": 1000}).json()

    assert len(queries) == 4
    assert body["count"] == 9
    assert [m["seq"] for m in body["results"]] == list(range(9))
    assert [m["messageType"] for m in body["results"][:2]] == ["SYSTEM", "USER"]


@pytest.mark.django_db
def test_chat_messages_accept_a_page_size_up_to_1000(employee_client, employee):
    chat = make_chat(employee, answers=2)
    body = employee_client.get(
        f"/api/chats/{chat.id}/messages/", {"page_size": 2, "page": 2}
    ).json()
    assert body["count"] == 5
    assert [m["seq"] for m in body["results"]] == [2, 3]
    assert body["next"] and body["previous"]
    beyond = employee_client.get(f"/api/chats/{chat.id}/messages/", {"page": 9})
    assert beyond.status_code == 404


@pytest.mark.django_db
def test_unfinished_chat_endpoint(employee_client, employee):
    empty = employee_client.get("/api/chats/unfinished/").json()
    assert empty["status"] == "success"
    assert empty["data"] is None
    chat = make_chat(employee)
    assert employee_client.get("/api/chats/unfinished/").json()["data"]["id"] == str(chat.id)


@pytest.mark.django_db
def test_message_list_filters_and_search(employee_client, employee):
    chat = make_chat(employee, title="Джазовый вечер", answers=2)
    make_chat(UserFactory(), answers=2)

    everything = employee_client.get("/api/messages/").json()
    assert everything["count"] == 5
    users = employee_client.get("/api/messages/", {"messageType": "USER"}).json()
    assert users["count"] == 2
    found = employee_client.get("/api/messages/", {"search": "чайка"}).json()
    assert sorted(m["content"] for m in found["results"]) == ["Афиша спектакля Чайка", "Чайка"]
    by_chat = employee_client.get("/api/messages/", {"chat": str(chat.id)}).json()
    assert by_chat["count"] == 5
    by_title = employee_client.get("/api/messages/", {"search": "джазовый"}).json()
    assert by_title["count"] == 5


@pytest.mark.django_db
def test_message_list_query_count_is_constant(employee):
    from conftest import client_for

    client = client_for(employee)
    make_chat(employee, answers=ALL_ANSWERS)
    with CaptureQueriesContext(connection) as few:
        client.get("/api/messages/")
    make_many_chats(employee, 5)
    with CaptureQueriesContext(connection) as many:
        client.get("/api/messages/", {"page_size": 100})
    assert len(many) == len(few) <= 3


@pytest.mark.django_db
def test_recent_messages_are_the_last_50_newest_first(employee_client, employee):
    make_many_chats(employee, 4)
    body = employee_client.get("/api/messages/recent/").json()
    assert body["status"] == "success"
    assert len(body["data"]) == 50
    stamps = [m["createdAt"] for m in body["data"]]
    assert stamps == sorted(stamps, reverse=True)


@pytest.mark.django_db
def test_user_summary_counts(employee_client, employee):
    make_chat(employee, answers=ALL_ANSWERS)
    deleted = make_chat(employee, answers=ALL_ANSWERS)
    Chat.objects.filter(pk=deleted.pk).update(is_active=False, status="COMPLETED")
    make_chat(employee, answers=1)
    Chat.objects.filter(user=employee, is_active=True, status="GENERATING").update(
        status="COMPLETED"
    )

    data = employee_client.get("/api/users/summary/").json()["data"]

    assert data == {
        "total_chats": 3,
        "active_chats": 2,
        "completed_chats": 1,
        "total_messages": 1 + 2 * ALL_ANSWERS + 3,
    }
