"""The audit log in the admin reads in Russian and names a person on every row: the
actor, or for the worker's events the owner of the task, in a fixed number of queries."""

import ast
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contentum.audit.labels import ACTION_LABELS
from contentum.audit.models import AuditAction
from contentum.audit.services import audit_record
from contentum.audit.tests.factories import AuditLogFactory
from contentum.generation import events as generation_events
from contentum.generation.tests.factories import GenerationTaskFactory

CHANGELIST = "/admin/audit/auditlog/"
SOURCES = Path(__file__).resolve().parents[2]  # the `contentum` package
CODE = re.compile(r"^[a-z_]+\.[a-z_]+$")


def recorded_codes() -> dict[str, str]:
    """Every action code the sources can record, with where it was found: module-level
    constants like `SUCCEEDED = "generation.succeeded"` and literals passed as `action=`,
    in any module that writes audit rows, plus `AuditAction`."""
    codes = {value: "audit/models.py AuditAction" for value in AuditAction.values}
    for path in SOURCES.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if "audit_record" not in text and "AuditLog(" not in text:
            continue
        where = str(path.relative_to(SOURCES))
        for node in ast.walk(ast.parse(text)):
            values: list[ast.AST] = []
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id.isupper() for t in node.targets
            ):
                values = [node.value]
            elif isinstance(node, ast.Call):
                values = [k.value for k in node.keywords if k.arg == "action"]
            for value in values:
                for leaf in ast.walk(value):
                    text_value = leaf.value if isinstance(leaf, ast.Constant) else None
                    if isinstance(text_value, str) and CODE.match(text_value):
                        codes.setdefault(text_value, where)
    return codes


def test_the_scan_finds_the_codes_of_every_kind_of_source():
    codes = recorded_codes()
    assert "generation.succeeded" in codes  # a constant in an events module
    assert "chat.expired" in codes  # a literal in a bulk_create
    assert "scenario.updated" in codes and "scenario.created" in codes  # `a if x else b`
    assert "auth.refresh_token_reused" in codes  # a constant outside events.py
    assert "user.registered" in codes  # AuditAction


def test_every_recorded_action_has_a_russian_label():
    missing = {code: where for code, where in recorded_codes().items() if code not in ACTION_LABELS}
    assert not missing, f"add these to contentum/audit/labels.py: {missing}"


def row_cells(html: str) -> list[dict[str, str]]:
    rows = re.findall(r"<tr>(.*?)</tr>", html.split("<tbody>", 1)[1], re.S)
    return [
        {
            name: re.sub(r"<[^>]+>", "", value).strip()
            for name, value in re.findall(
                r'<t[dh] class="field-([a-z_]+)[^"]*">(.*?)</t[dh]>', row, re.S
            )
        }
        for row in rows
    ]


@pytest.mark.django_db
def test_rows_show_labels_and_an_email_even_for_the_workers_events(admin_browser):
    task = GenerationTaskFactory(owner__email="owner@example.com")
    generation_events.task_succeeded(task=task)  # the worker: no actor
    audit_record(action="auth.login_failed", actor_email="guess@example.com")
    audit_record(action="user.admin_created", details={"via": "ensure_admin"})
    AuditLogFactory(actor__email="person@example.com", action="generation.queued")

    response = admin_browser.get(CHANGELIST)

    shown = {(row["action_name"], row["who"]) for row in row_cells(response.content.decode())}
    assert shown == {
        ("Генерация завершена", "owner@example.com (фоновая задача)"),
        ("Неудачный вход", "guess@example.com"),
        ("Создан администратор", "система"),
        ("Генерация поставлена в очередь", "person@example.com"),
    }


@pytest.mark.django_db
def test_the_action_filter_shows_labels_and_keeps_its_parameter(admin_browser):
    AuditLogFactory(action="generation.failed")
    kept = AuditLogFactory(action="auth.login_succeeded")

    response = admin_browser.get(CHANGELIST, {"action": "auth.login_succeeded"})

    assert list(response.context["cl"].result_list) == [kept]
    html = response.content.decode()
    assert "?action=generation.failed" in html and "Генерация не удалась" in html


@pytest.mark.django_db
def test_the_log_costs_the_same_queries_for_2_worker_rows_as_for_10(admin_browser):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert admin_browser.get(CHANGELIST).status_code == 200
        return len(queries)

    def worker_event() -> None:
        task = GenerationTaskFactory()
        generation_events.task_failed(task=task)
        AuditLogFactory(action="chat.created")

    worker_event()
    few = count()
    for _ in range(4):
        worker_event()
    assert count() == few
