"""Variants under concurrency (PostgreSQL: real row locks): choices made at the same
instant end with the last one to commit, and variants ending at the same instant settle
their brief exactly once, whatever a cancel does meanwhile."""

import pytest

from conftest import client_for
from contentum.audit.models import AuditLog
from contentum.chats.models import MessageKind
from contentum.common.exceptions import ConflictError
from contentum.common.tests.threads import run_together
from contentum.generation import pipeline, services
from contentum.generation.models import GenerationTask, TaskStatus
from contentum.generation.tests.factories import PROMPT

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def queued_brief(user, count: int) -> GenerationTask:
    """A brief whose variants are queued but not run (no commit hooks run here)."""
    return services.generation_task_create(
        user=user, prompt=PROMPT, width=256, height=256, variant_count=count
    )


def run_variants_together(brief: GenerationTask, extra=None) -> list:
    variants = list(brief.variants.order_by("variant_number"))
    jobs = [lambda v=v: pipeline.run_submit(str(v.pk), v.step_token) for v in variants]
    if extra is not None:
        jobs.append(extra)
    return run_together(len(jobs), lambda index: _outcome(jobs[index]))


def _outcome(job) -> str:
    try:
        job()
    except ConflictError:
        return "conflict"
    return "ok"


def test_variants_ending_together_settle_their_brief_once(simulation, employee):
    brief = queued_brief(employee, 4)

    outcomes = run_variants_together(brief)

    assert outcomes == ["ok"] * 4
    brief.refresh_from_db()
    assert brief.status == TaskStatus.SUCCESS
    assert set(brief.variants.values_list("status", flat=True)) == {TaskStatus.SUCCESS}
    best = max(brief.variants.order_by("variant_number"), key=lambda v: v.score)
    assert brief.chosen_variant_id == best.pk
    succeeded = AuditLog.objects.filter(action="generation.succeeded", target_id=str(brief.pk))
    assert succeeded.count() == 1


def test_a_cancel_racing_the_variants_never_errs(simulation, employee):
    brief = queued_brief(employee, 3)

    def cancel() -> None:
        services.generation_task_cancel(actor=employee, task=brief)

    outcomes = run_variants_together(brief, extra=cancel)

    assert set(outcomes) <= {"ok", "conflict"}
    brief.refresh_from_db()
    assert brief.status in (TaskStatus.CANCELLED, TaskStatus.SUCCESS)
    assert all(v.is_finished for v in brief.variants.all())
    finished = AuditLog.objects.filter(
        target_id=str(brief.pk),
        action__in=["generation.succeeded", "generation.failed", "generation.cancelled"],
    )
    assert finished.count() == 1


def test_concurrent_choices_end_with_the_last_to_commit_and_never_a_500(
    simulation, employee, django_capture_on_commit_callbacks
):
    from contentum.chats import flow
    from contentum.chats.tests.factories import DEFAULT_ANSWERS, make_chat

    chat = make_chat(employee)
    for key, value in DEFAULT_ANSWERS.items():
        flow.message_answer(
            user=employee, chat_id=chat.pk, content="3" if key == "variant_count" else value
        )
    brief = GenerationTask.objects.get(chat=chat)
    assert brief.status == TaskStatus.SUCCESS  # the commits ran the pipeline

    def choose(index: int) -> int:
        client = client_for(employee)
        response = client.post(
            f"/api/generation-tasks/{brief.pk}/choose/",
            {"variant": index % 3 + 1},
            format="json",
        )
        return response.status_code

    statuses = run_together(8, choose)

    assert statuses == [200] * 8
    brief.refresh_from_db()
    chosen = brief.chosen_variant.variant_number
    last_choice = AuditLog.objects.filter(
        action="generation.variant_chosen", target_id=str(brief.pk)
    ).latest("created_at")
    assert last_choice.details["variant"] == chosen
    last_notice = chat.messages.filter(kind=MessageKind.NOTICE).order_by("seq").last()
    assert last_notice.payload["variant"] == chosen
