"""The chat flow's database cost stays flat: it must not grow with the flow or the chat."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import client_for
from contentum.chats.tests.factories import DEFAULT_ANSWERS, make_chat

# A middle answer: the caller's account (authentication), the chat under its lock with its
# owner, the two messages (one INSERT) and the chat's new state (one UPDATE).
ANSWER_QUERIES = 4
# The final answer: the account, the locked chat, the parameters, the active template's
# revision, the prompt history, the generation task, the messages, the chat, and three
# audit rows (prompt assembled, task queued, chat completed).
FINAL_ANSWER_QUERIES = 11


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
@pytest.mark.parametrize("answered", [0, 1, 4, 7])
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
        make_chat(employee, answers=9)
    chat = make_chat(employee, answers=3)

    sql = answer_queries(employee, chat, DEFAULT_ANSWERS["visual_style"])

    assert len(sql) == ANSWER_QUERIES, sql


@pytest.mark.django_db
def test_the_final_answer_has_a_fixed_budget(employee):
    chat = make_chat(employee, answers=8)

    sql = answer_queries(employee, chat, DEFAULT_ANSWERS["aspect_ratio"])

    assert len(sql) == FINAL_ANSWER_QUERIES, sql
    assert sum("FOR UPDATE" in statement for statement in sql) <= 1, sql


@pytest.mark.django_db
def test_with_a_network_enricher_the_final_answer_costs_the_same(employee, settings):
    """The LLM is the worker's business: the request locks the chat once, as always."""
    settings.ENRICHER = "gigachat"
    settings.GIGACHAT_CREDENTIALS = ""
    chat = make_chat(employee, answers=8)

    sql = answer_queries(employee, chat, DEFAULT_ANSWERS["aspect_ratio"])

    assert len(sql) == FINAL_ANSWER_QUERIES, sql
    assert sum('FROM "chats_chat"' in statement for statement in sql) == 1, sql


@pytest.mark.django_db
def test_creating_a_chat_costs_a_fixed_few_queries(employee):
    """The account, the active scenario and its questions, and the inserts: the chat, its
    first question and the audit row."""
    make_chat(employee, answers=9)  # history must not change the cost
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

    chat = make_chat(employee, answers=7)
    with connection.execute_wrapper(look_after_chat_updates):
        answer_queries(employee, chat, DEFAULT_ANSWERS["platform"])
        answer_queries(employee, chat, DEFAULT_ANSWERS["aspect_ratio"])

    # the two answers, and the result the generation posts back into the chat
    assert len(seen) >= 2, seen
    assert all(seen_row == (True, "on") for seen_row in seen), seen
