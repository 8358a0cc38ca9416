"""The chat flow's database cost stays flat: it must not grow with the flow or the chat."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import client_for
from contentum.chats.tests.factories import (
    ALL_ANSWERS,
    ALL_BUT_LAST,
    DEFAULT_ANSWERS,
    FINAL_ANSWER,
    answers_before,
    make_chat,
)
from contentum.design.tests.factories import FormatFactory

# A middle answer: the caller's account (authentication), the chat under its lock with its
# owner, the two messages (one INSERT) and the chat's new state (one UPDATE).
ANSWER_QUERIES = 4
# The platform answer: the same, and the active formats the format question it asks
# offers (one query, whatever the number of formats).
ASKING_FORMAT_QUERIES = ANSWER_QUERIES + 1
# Answers to questions with stored options, before the platform.
MIDDLE_ANSWERS = [0, 1, answers_before("event_genre"), answers_before("visual_associations")]
# The final answer: the account, the locked chat, the active formats (checking the format
# answer), the parameters, the active template's revision, the brand kit (the prompt's
# style words), the prompt history, the active formats again and the brand kit again (the
# poster's format and style, completion's own reads), the generation task, the messages,
# the chat, and three audit rows (prompt assembled, task queued, chat completed).
FINAL_ANSWER_QUERIES = 15


def statements(queries) -> list[str]:
    """Queries that reach the database, without transaction bookkeeping."""
    skip = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK")
    return [q["sql"] for q in queries.captured_queries if not q["sql"].upper().startswith(skip)]


def answer_queries(user, chat, content) -> list[str]:
    client = client_for(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            "/api/messages/", {"chat": str(chat.id), "content": content}, format="json"
        )
    assert response.status_code == 201, response.content
    return statements(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("answered", MIDDLE_ANSWERS)
def test_a_middle_answer_costs_four_queries_wherever_it_is_in_the_flow(employee, answered):
    chat = make_chat(employee, answers=answered)
    content = list(DEFAULT_ANSWERS.values())[answered]

    sql = answer_queries(employee, chat, content)

    assert len(sql) == ANSWER_QUERIES, sql
    assert sum("FOR UPDATE" in statement for statement in sql) == (
        1 if connection.features.has_select_for_update else 0
    ), sql


@pytest.mark.django_db
def test_the_answer_cost_does_not_grow_with_the_users_history(employee):
    for _ in range(3):
        make_chat(employee, answers=ALL_ANSWERS)
    chat = make_chat(employee, answers=answers_before("visual_style"))

    sql = answer_queries(employee, chat, DEFAULT_ANSWERS["visual_style"])

    assert len(sql) == ANSWER_QUERIES, sql


@pytest.mark.django_db
def test_asking_for_the_format_costs_one_query_for_every_format(employee):
    chat = make_chat(employee, answers=answers_before("platform"))
    FormatFactory.create_batch(5, platform="vk")

    sql = answer_queries(employee, chat, DEFAULT_ANSWERS["platform"])

    assert len(sql) == ASKING_FORMAT_QUERIES, sql
    assert sum('FROM "design_format"' in statement for statement in sql) == 1, sql


@pytest.mark.django_db
def test_the_final_answer_has_a_fixed_budget(employee):
    chat = make_chat(employee, answers=ALL_BUT_LAST)

    sql = answer_queries(employee, chat, FINAL_ANSWER)

    assert len(sql) == FINAL_ANSWER_QUERIES, sql
    assert sum("FOR UPDATE" in statement for statement in sql) <= 1, sql


@pytest.mark.django_db
def test_with_a_network_enricher_the_final_answer_costs_the_same(employee, settings):
    """The LLM is the worker's business: the request locks the chat once, as always."""
    settings.ENRICHER = "gigachat"
    settings.GIGACHAT_CREDENTIALS = ""
    chat = make_chat(employee, answers=ALL_BUT_LAST)

    sql = answer_queries(employee, chat, FINAL_ANSWER)

    assert len(sql) == FINAL_ANSWER_QUERIES, sql
    assert sum('FROM "chats_chat"' in statement for statement in sql) == 1, sql


@pytest.mark.django_db
def test_creating_a_chat_costs_a_fixed_few_queries(employee):
    """The account, the active scenario and its questions, and the inserts: the chat, its
    first question and the audit row."""
    make_chat(employee, answers=ALL_ANSWERS)  # history must not change the cost
    client = client_for(employee)

    with CaptureQueriesContext(connection) as queries:
        response = client.post("/api/chats/", {"title": "Афиша"}, format="json")

    assert response.status_code == 201, response.content
    assert len(statements(queries)) == 6, statements(queries)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.postgres
def test_an_acknowledged_answer_commits_durably(employee):
    """No transaction of the chat flow lowers `synchronous_commit`: an answer the user was
    told is saved survives a database crash. Read inside each answer's own transaction,
    right after it updated the chat."""
    seen = []

    def look_after_chat_updates(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.startswith('UPDATE "chats_chat"'):
            cursor = context["cursor"]
            cursor.execute("SHOW synchronous_commit")
            seen.append((connection.in_atomic_block, cursor.fetchone()[0]))
        return result

    chat = make_chat(employee, answers=answers_before("platform"))
    with connection.execute_wrapper(look_after_chat_updates):
        answer_queries(employee, chat, DEFAULT_ANSWERS["platform"])
        answer_queries(employee, chat, FINAL_ANSWER)

    # the two answers, and the result the generation posts back into the chat
    assert len(seen) >= 2, seen
    assert all(seen_row == (True, "on") for seen_row in seen), seen
