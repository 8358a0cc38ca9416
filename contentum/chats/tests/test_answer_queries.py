"""The answer endpoint's database cost stays flat: it must not grow with the flow or the chat."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import client_for
from contentum.chats.tests.factories import DEFAULT_ANSWERS, make_chat
from contentum.common.rows import readable

ANSWER_QUERY_BUDGET = 6
# What an answer really costs: the chat under its lock with its owner's account (one query),
# and the writes (the messages and the chat), which psycopg sends as one
# query on PostgreSQL.
ANSWER_QUERIES = {"postgresql": 2, "sqlite": 3}
# The final answer also reads the active template and its revision, and stores the
# parameters, the prompt history and the generation task, each with its audit row: on
# PostgreSQL all of them travel with the messages and the chat in one query
# (`rows.together`). With an enricher that calls the network it reads the chat once more:
# the enrichment runs outside the lock.
FINAL_ANSWER_QUERY_BUDGET = 13
FINAL_ANSWER_QUERIES = {"postgresql": 4, "sqlite": 11}


def statements(queries):
    """Queries that reach the database, without transaction bookkeeping, as written (not as
    the EXECUTE of a prepared statement)."""
    skip = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK")
    sql = [q["sql"] for q in queries.captured_queries]
    return [readable(statement) for statement in sql if not statement.upper().startswith(skip)]


def answer_queries(user, chat, content):
    client = client_for(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            "/api/messages/", {"chat": str(chat.id), "content": content}, format="json"
        )
    assert response.status_code == 201, response.content
    return statements(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("answered", [0, 1, 4, 7])
def test_an_answer_costs_at_most_six_queries_wherever_it_is_in_the_flow(employee, answered):
    chat = make_chat(employee, answers=answered)
    content = list(DEFAULT_ANSWERS.values())[answered]

    sql = answer_queries(employee, chat, content)

    assert len(sql) <= ANSWER_QUERY_BUDGET, sql
    assert len(sql) == ANSWER_QUERIES[connection.vendor], sql


@pytest.mark.django_db
def test_the_answer_cost_does_not_grow_with_the_users_history(employee):
    for _ in range(3):
        make_chat(employee, answers=9)
    chat = make_chat(employee, answers=3)
    assert (
        len(answer_queries(employee, chat, DEFAULT_ANSWERS["visual_style"])) <= ANSWER_QUERY_BUDGET
    )


@pytest.mark.django_db
def test_the_final_answer_has_a_fixed_budget(employee):
    chat = make_chat(employee, answers=8)
    sql = answer_queries(employee, chat, DEFAULT_ANSWERS["aspect_ratio"])
    assert len(sql) <= FINAL_ANSWER_QUERY_BUDGET, sql
    assert len(sql) == FINAL_ANSWER_QUERIES[connection.vendor], sql
    assert sum("FOR UPDATE" in statement for statement in sql) <= 1, sql


@pytest.mark.django_db
def test_with_a_network_enricher_the_final_answer_locks_the_chat_again(employee, settings):
    settings.ENRICHER = "gigachat"  # not configured: it fails at once, the built-in one steps in
    settings.GIGACHAT_CREDENTIALS = ""
    chat = make_chat(employee, answers=8)

    sql = answer_queries(employee, chat, DEFAULT_ANSWERS["aspect_ratio"])

    # once to validate the answer before enriching, once to store it
    assert sum('FROM "chats_chat"' in statement for statement in sql) == 2, sql


@pytest.mark.django_db
@pytest.mark.postgres
def test_answers_commit_without_waiting_for_the_disk_and_the_final_answer_waits(employee, settings):
    """Only the chat's own quick steps trade the last instant before a server crash for
    speed; the hand-off to generation (the final answer) stays fully durable."""
    settings.CHAT_ASYNC_COMMIT = True
    chat = make_chat(employee, answers=7)
    async_off = "SET LOCAL synchronous_commit TO OFF"

    middle = answer_queries(employee, chat, DEFAULT_ANSWERS["platform"])
    final = answer_queries(employee, chat, DEFAULT_ANSWERS["aspect_ratio"])

    assert any(sql.startswith(async_off) for sql in middle), middle
    assert not any(async_off in sql for sql in final), final


@pytest.mark.django_db
@pytest.mark.postgres
def test_async_commit_can_be_turned_off(employee, settings):
    settings.CHAT_ASYNC_COMMIT = False
    chat = make_chat(employee, answers=2)

    sql = answer_queries(employee, chat, DEFAULT_ANSWERS["event_genre"])

    assert not any("synchronous_commit" in statement for statement in sql), sql


@pytest.mark.django_db
def test_creating_a_chat_costs_a_fixed_few_queries(employee):
    """The account, the active scenario and its questions (two plain queries), and the
    writes: the chat, its first question and the audit row (one query on PostgreSQL)."""
    make_chat(employee, answers=9)  # history must not change the cost
    client = client_for(employee)

    with CaptureQueriesContext(connection) as queries:
        response = client.post("/api/chats/", {"title": "Афиша"}, format="json")

    assert response.status_code == 201, response.content
    sql = statements(queries)
    assert len(sql) == {"postgresql": 4, "sqlite": 6}[connection.vendor], sql


@pytest.mark.django_db
@pytest.mark.postgres
def test_a_chat_finished_by_its_initial_message_waits_for_the_disk(employee, settings):
    """SET LOCAL lasts to the end of the transaction: a one-question scenario finished at
    creation hands over to generation in the creating transaction, which must stay durable."""
    from contentum.questionnaire.models import Question

    settings.CHAT_ASYNC_COMMIT = True
    Question.objects.exclude(key="idea").delete()
    client = client_for(employee)

    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            "/api/chats/", {"title": "Афиша", "initialMessage": "Афиша спектакля"}, format="json"
        )

    assert response.status_code == 201, response.content
    assert response.json()["data"]["status"] == "GENERATING"
    assert not any("synchronous_commit" in q["sql"] for q in queries.captured_queries)
