"""Variants (issue 17, items 1–3): a brief yields N posters run side by side, each with its
own seed and chain of attempts; the best-scoring one is chosen until the user picks
another; «Ещё похожий» adds one; the detail shows each variant's progress, cheap to poll."""

import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from conftest import client_for
from contentum.accounts.tests.factories import UserFactory
from contentum.audit.models import AuditLog
from contentum.chats.models import ChatStatus, MessageKind
from contentum.chats.tests.factories import DEFAULT_ANSWERS, make_chat
from contentum.generation import pipeline, services
from contentum.generation.models import GenerationAttempt, GenerationTask, TaskStatus
from contentum.generation.tests.factories import PROMPT

pytestmark = pytest.mark.django_db

GENERATE = "/api/promptactions/generate/"
TASKS = "/api/generation-tasks"
BODY = {"parameters": {"idea": "Афиша спектакля", "event_name": "Вишнёвый сад"}}


@pytest.fixture(autouse=True)
def offline(simulation):
    """The offline provider, no latency: every variant finishes within the request."""


def generate(client, run_pipeline, **fields):
    with run_pipeline():
        response = client.post(GENERATE, {**BODY, **fields}, format="json")
    assert response.status_code == 202, response.content
    return GenerationTask.objects.get(pk=response.json()["data"]["task_id"])


def detail(client, task):
    response = client.get(f"{TASKS}/{task.pk}/")
    assert response.status_code == 200, response.content
    return response.json()


def pixels(data: bytes) -> bytes:
    return Image.open(io.BytesIO(data)).convert("RGB").tobytes()


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# --- A brief of N variants ----------------------------------------------------------------


def test_a_brief_of_three_runs_three_variants_with_their_own_seeds_and_images(
    employee_client, run_pipeline
):
    brief = generate(employee_client, run_pipeline, variant_count=3)

    variants = list(brief.variants.order_by("variant_number"))
    assert [v.variant_number for v in variants] == [1, 2, 3]
    assert all(v.status == TaskStatus.SUCCESS for v in variants)
    assert len({v.seed for v in variants}) == 3
    # Each drew its own picture: three different images, each with its own attempt chain.
    images = {pixels(v.image.read()) for v in variants}
    assert len(images) == 3
    assert GenerationAttempt.objects.filter(task__brief=brief).count() == 3
    assert not brief.attempt_set.exists()  # the brief itself asked the provider nothing
    # From the second on, a composition hint sets the variants apart at any provider.
    assert variants[0].prompt == brief.prompt
    assert variants[1].prompt != brief.prompt
    assert variants[1].prompt.startswith(brief.prompt.rstrip(" .,"))
    assert brief.status == TaskStatus.SUCCESS


def test_the_best_scoring_variant_is_chosen_and_the_brief_serves_its_files(
    employee_client, run_pipeline
):
    brief = generate(employee_client, run_pipeline, variant_count=3)

    variants = list(brief.variants.order_by("variant_number"))
    best = max(variants, key=lambda v: v.score)  # a tie goes to the lower number
    assert all(0 < v.score <= 100 for v in variants)
    assert len({v.score for v in variants}) > 1  # the score tells these images apart
    assert brief.chosen_variant_id == best.pk and brief.score == best.score
    download = employee_client.get(f"{TASKS}/{brief.pk}/download/")
    assert download.status_code == 200
    assert pixels(body_of(download)) == pixels(best.image.read())


def test_the_detail_lists_each_variant_with_thumbnail_checks_score_and_the_chosen_one(
    employee_client, run_pipeline
):
    brief = generate(employee_client, run_pipeline, variant_count=2)

    data = detail(employee_client, brief)

    assert data["variant_count"] == 2
    chosen = GenerationTask.objects.get(pk=brief.chosen_variant_id).variant_number
    assert data["chosen_variant"] == chosen
    assert [v["number"] for v in data["variants"]] == [1, 2]
    for variant in data["variants"]:
        assert variant["status"] == "SUCCESS" and variant["stage"] == "done"
        assert variant["passed"] is True
        assert {c["name"] for c in variant["checks"]} >= {"size", "sharpness", "contrast"}
        assert isinstance(variant["score"], float)
        assert variant["chosen"] is (variant["number"] == chosen)
        thumbnail = employee_client.get(variant["thumbnail_url"])
        assert thumbnail.status_code == 200 and thumbnail["Content-Type"] == "image/webp"
    assert data["image_url"] and data["download_url"]


def test_a_single_image_task_lists_itself_as_its_one_chosen_variant(employee_client, run_pipeline):
    task = generate(employee_client, run_pipeline)

    data = detail(employee_client, task)

    assert not task.has_variants and data["variant_count"] == 1
    assert data["chosen_variant"] == 1
    (variant,) = data["variants"]
    assert variant["number"] == 1 and variant["chosen"] is True
    assert employee_client.get(variant["image_url"]).status_code == 200


def test_lists_show_briefs_not_their_variants(employee_client, run_pipeline):
    brief = generate(employee_client, run_pipeline, variant_count=3)

    listed = employee_client.get(f"{TASKS}/").json()["results"]

    assert [row["id"] for row in listed] == [str(brief.pk)]
    variant = brief.variants.first()
    assert employee_client.get(f"{TASKS}/{variant.pk}/").status_code == 404


@pytest.mark.parametrize("count", [0, 5, -1, "2", True])
def test_a_variant_count_outside_the_range_is_a_400_naming_it_and_writes_nothing(
    employee_client, count
):
    response = employee_client.post(GENERATE, {**BODY, "variant_count": count}, format="json")

    assert response.status_code == 400
    assert "variant_count" in response.json()["errors"]
    if not isinstance(count, str | bool):
        assert "от 1 до 4" in response.json()["errors"]["variant_count"][0]
    assert not GenerationTask.objects.exists()


def test_the_maximum_follows_the_setting(settings, employee_client):
    settings.GENERATION_VARIANTS_MAX = 2

    response = employee_client.post(GENERATE, {**BODY, "variant_count": 3}, format="json")

    assert response.status_code == 400
    assert "от 1 до 2" in response.json()["errors"]["variant_count"][0]


def test_a_variant_that_keeps_failing_does_not_fail_the_brief(settings, employee, run_pipeline):
    """Each variant has its own chain: one that fails its checks twice is regenerated
    (paraphrased) and the brief still succeeds with the others."""
    settings.SIMULATION_FAILURE_MODE = "blank"
    settings.SIMULATION_FAILURE_ATTEMPTS = 1  # every variant's first attempt is blank
    with run_pipeline():
        brief = services.generation_task_create(
            user=employee, prompt=PROMPT, width=256, height=256, variant_count=2
        )
    brief.refresh_from_db()

    assert brief.status == TaskStatus.SUCCESS
    for variant in brief.variants.all():
        numbers = list(variant.attempt_set.values_list("number", "status"))
        assert numbers == [(1, "REJECTED"), (2, "SUCCESS")]
        second = variant.attempt_set.get(number=2)
        assert second.prompt != variant.prompt  # paraphrased, in this variant's chain


def test_a_brief_fails_only_when_every_variant_failed(settings, employee, run_pipeline):
    settings.SIMULATION_FAILURE_MODE = "blank"
    with run_pipeline():
        brief = services.generation_task_create(
            user=employee, prompt=PROMPT, width=256, height=256, variant_count=2, max_attempts=1
        )
    brief.refresh_from_db()

    assert brief.status == TaskStatus.FAILED
    assert "Ни один вариант не получился" in brief.last_error
    assert brief.chosen_variant is None and not brief.image


# --- The chat -----------------------------------------------------------------------------


def chat_with(employee, run_pipeline, count: str):
    answers = {**DEFAULT_ANSWERS, "variant_count": count}
    with run_pipeline():
        chat = make_chat(employee)
        from contentum.chats import flow

        for value in answers.values():
            flow.message_answer(user=employee, chat_id=chat.pk, content=value)
    chat.refresh_from_db()
    return chat


def test_a_chat_asks_how_many_variants_and_its_message_links_the_chosen_poster(
    employee, run_pipeline
):
    chat = chat_with(employee, run_pipeline, "3")

    brief = GenerationTask.objects.get(chat=chat)
    assert brief.has_variants and brief.variants.count() == 3
    assert chat.status == ChatStatus.COMPLETED
    success = chat.messages.get(kind=MessageKind.GENERATION_SUCCEEDED)
    assert success.content.splitlines()[-1].endswith(f"/api/generation-tasks/{brief.pk}/download/")
    assert "Готово вариантов: 3 из 3" in success.content
    # The poster is the chosen variant's, at the format's exact size.
    assert Image.open(brief.image).size == (1080, 1920)
    assert brief.image.name == brief.chosen_variant.image.name


def test_a_skipped_variant_question_takes_the_default(settings, employee, run_pipeline):
    settings.GENERATION_VARIANTS_DEFAULT = 2

    chat = chat_with(employee, run_pipeline, "пропустить")

    assert chat.answers["variant_count"] == "2"
    assert GenerationTask.objects.get(chat=chat).variants.count() == 2


def test_the_chat_refuses_a_count_past_the_maximum_naming_the_options(employee):
    chat = make_chat(employee, answers=list(DEFAULT_ANSWERS).index("variant_count"))

    response = client_for(employee).post(
        "/api/messages/", {"chat": str(chat.pk), "content": "7"}, format="json"
    )

    assert response.status_code == 400
    assert "1, 2, 3, 4" in response.json()["message"]


# --- Choosing -----------------------------------------------------------------------------


def other_than_chosen(brief: GenerationTask) -> GenerationTask:
    return brief.variants.exclude(pk=brief.chosen_variant_id).order_by("variant_number").first()


def test_choosing_a_variant_switches_downloads_and_adds_a_chat_message(employee, run_pipeline):
    chat = chat_with(employee, run_pipeline, "2")
    brief = GenerationTask.objects.get(chat=chat)
    other = other_than_chosen(brief)
    client = client_for(employee)
    before = list(chat.messages.values_list("content", flat=True))

    response = client.post(
        f"{TASKS}/{brief.pk}/choose/", {"variant": other.variant_number}, format="json"
    )

    assert response.status_code == 200, response.content
    data = response.json()["data"]
    assert data["chosen_variant"] == other.variant_number
    download = client.get(f"{TASKS}/{brief.pk}/download/")
    assert pixels(body_of(download)) == pixels(other.image.read())
    # History stays; one message is added, its last line the (same) download link.
    after = list(chat.messages.order_by("seq").values_list("content", flat=True))
    assert after[: len(before)] == before and len(after) == len(before) + 1
    assert after[-1].splitlines()[-1].endswith(f"/api/generation-tasks/{brief.pk}/download/")
    assert f"№ {other.variant_number}" in after[-1]
    assert AuditLog.objects.filter(action="generation.variant_chosen").count() == 1


def test_a_chosen_variant_stays_chosen_when_a_better_one_arrives(
    employee, employee_client, run_pipeline
):
    brief = generate(employee_client, run_pipeline, variant_count=2)
    other = other_than_chosen(brief)
    employee_client.post(
        f"{TASKS}/{brief.pk}/choose/", {"variant": other.variant_number}, format="json"
    )

    with run_pipeline():
        employee_client.post(
            f"{TASKS}/{brief.pk}/variants/1/vary/", {"strength": "subtle"}, format="json"
        )

    brief.refresh_from_db()
    assert brief.chosen_variant_id == other.pk


def test_the_text_editor_changes_the_chosen_variant_and_the_brief_shows_it(employee, run_pipeline):
    chat = chat_with(employee, run_pipeline, "2")
    brief = GenerationTask.objects.get(chat=chat)
    client = client_for(employee)

    response = client.patch(
        f"{TASKS}/{brief.pk}/text/", {"title": "Три сестры", "lines": []}, format="json"
    )

    assert response.status_code == 200, response.content
    brief.refresh_from_db()
    chosen = brief.chosen_variant
    assert chosen.poster_text["title"] == "Три сестры"
    assert brief.poster_text["title"] == "Три сестры"
    assert brief.image.name == chosen.image.name
    other = other_than_chosen(brief)
    assert other.poster_text["title"] == DEFAULT_ANSWERS["event_name"]


@pytest.mark.parametrize(
    ("body", "status"),
    [({"variant": 9}, 404), ({"variant": 0}, 400), ({"variant": "два"}, 400), ({}, 400)],
)
def test_choosing_a_variant_that_does_not_exist_is_refused(
    employee_client, run_pipeline, body, status
):
    brief = generate(employee_client, run_pipeline, variant_count=2)
    chosen = brief.chosen_variant_id

    response = employee_client.post(f"{TASKS}/{brief.pk}/choose/", body, format="json")

    assert response.status_code == status
    assert response.json()["status"] == "error"
    brief.refresh_from_db()
    assert brief.chosen_variant_id == chosen


def test_a_variant_that_is_not_ready_cannot_be_chosen(employee, employee_client):
    brief = services.generation_task_create(
        user=employee, prompt=PROMPT, width=256, height=256, variant_count=2
    )  # no commit runs here: the variants stay queued

    response = employee_client.post(f"{TASKS}/{brief.pk}/choose/", {"variant": 2}, format="json")

    assert response.status_code == 409
    assert "ещё не готов" in response.json()["message"]


def test_choosing_or_varying_another_users_task_is_not_found(employee_client, run_pipeline):
    stranger = client_for(UserFactory())
    brief = generate(employee_client, run_pipeline, variant_count=2)

    chose = stranger.post(f"{TASKS}/{brief.pk}/choose/", {"variant": 1}, format="json")
    varied = stranger.post(
        f"{TASKS}/{brief.pk}/variants/1/vary/", {"strength": "subtle"}, format="json"
    )
    image = stranger.get(f"{TASKS}/{brief.pk}/variants/1/image/")

    assert (chose.status_code, varied.status_code, image.status_code) == (404, 404, 404)
    assert brief.variants.count() == 2


# --- «Ещё похожий» ------------------------------------------------------------------------


def test_subtle_keeps_the_prompt_with_a_new_seed_and_strong_rewords_it(
    employee_client, run_pipeline
):
    brief = generate(employee_client, run_pipeline, variant_count=2)
    source = brief.variants.get(variant_number=2)

    with run_pipeline():
        subtle = employee_client.post(
            f"{TASKS}/{brief.pk}/variants/2/vary/", {"strength": "subtle"}, format="json"
        )
        strong = employee_client.post(
            f"{TASKS}/{brief.pk}/variants/2/vary/", {"strength": "strong"}, format="json"
        )

    assert subtle.status_code == strong.status_code == 202
    third, fourth = brief.variants.filter(variant_number__in=(3, 4)).order_by("variant_number")
    assert third.prompt == source.prompt and third.seed != source.seed
    assert fourth.prompt != source.prompt
    assert third.varied_from_id == fourth.varied_from_id == source.pk
    assert third.status == fourth.status == TaskStatus.SUCCESS
    data = detail(employee_client, brief)
    assert [v["varied_from"] for v in data["variants"]] == [None, None, 2, 2]
    brief.refresh_from_db()
    assert brief.status == TaskStatus.SUCCESS  # a published result does not change


def test_varying_a_single_image_task_makes_it_a_task_with_two_variants(
    employee_client, run_pipeline
):
    task = generate(employee_client, run_pipeline)
    image, attempts = task.image.name, list(task.attempt_set.values_list("pk", flat=True))

    with run_pipeline():
        response = employee_client.post(
            f"{TASKS}/{task.pk}/variants/1/vary/", {"strength": "strong"}, format="json"
        )

    assert response.status_code == 202, response.content
    task.refresh_from_db()
    first = task.variants.get(variant_number=1)
    assert task.has_variants and task.variants.count() == 2
    # What it had made moved into its variant 1, which it still shows.
    assert first.image.name == image and task.image.name == image
    assert list(first.attempt_set.values_list("pk", flat=True)) == attempts
    assert task.chosen_variant_id == first.pk
    data = response.json()["data"]
    assert [v["number"] for v in data["variants"]] == [1, 2]


def test_varying_a_cancelled_task_is_a_409(employee, employee_client):
    brief = services.generation_task_create(
        user=employee, prompt=PROMPT, width=256, height=256, variant_count=2
    )
    services.generation_task_cancel(actor=employee, task=brief)

    response = employee_client.post(
        f"{TASKS}/{brief.pk}/variants/1/vary/", {"strength": "subtle"}, format="json"
    )

    assert response.status_code == 409
    assert brief.variants.count() == 2


def test_cancelling_a_brief_stops_every_variant(employee):
    brief = services.generation_task_create(
        user=employee, prompt=PROMPT, width=256, height=256, variant_count=3
    )

    services.generation_task_cancel(actor=employee, task=brief)

    brief.refresh_from_db()
    assert brief.status == TaskStatus.CANCELLED
    assert set(brief.variants.values_list("status", flat=True)) == {TaskStatus.CANCELLED}
    assert brief.images_charged == 0  # nothing was drawn


@pytest.mark.parametrize("body", [{"strength": "wild"}, {"strength": 3}])
def test_an_unknown_strength_is_a_400(employee_client, run_pipeline, body):
    brief = generate(employee_client, run_pipeline, variant_count=2)

    response = employee_client.post(f"{TASKS}/{brief.pk}/variants/1/vary/", body, format="json")

    assert response.status_code == 400 and "strength" in response.json()["errors"]
    assert brief.variants.count() == 2


def test_varying_a_variant_that_does_not_exist_is_a_404(employee_client, run_pipeline):
    brief = generate(employee_client, run_pipeline, variant_count=2)

    response = employee_client.post(
        f"{TASKS}/{brief.pk}/variants/7/vary/", {"strength": "subtle"}, format="json"
    )

    assert response.status_code == 404
    assert brief.variants.count() == 2


# --- Quotas -------------------------------------------------------------------------------


def test_each_variant_is_charged_and_our_regenerations_are_not(
    settings, employee, employee_client, run_pipeline
):
    settings.SIMULATION_FAILURE_MODE = "blank"
    settings.SIMULATION_FAILURE_ATTEMPTS = 1  # each variant needs a second attempt
    generate(employee_client, run_pipeline, variant_count=3)

    quota = employee_client.get("/api/users/me/").json()["data"]["quota"]

    assert quota["used"] == 3
    assert GenerationAttempt.objects.count() == 6


def test_a_brief_past_the_quota_is_a_429_and_nothing_is_queued(
    settings, employee_client, run_pipeline
):
    settings.GENERATION_MONTHLY_QUOTA = 4
    generate(employee_client, run_pipeline, variant_count=2)

    refused = employee_client.post(GENERATE, {**BODY, "variant_count": 3}, format="json")

    assert refused.status_code == 429
    assert "Запрошено изображений: 3" in refused.json()["message"]
    assert refused.json()["data"]["left"] == 2
    assert GenerationTask.objects.count() == 3  # the first brief and its two variants


def test_vary_past_the_quota_is_a_429_and_adds_no_variant(settings, employee_client, run_pipeline):
    settings.GENERATION_MONTHLY_QUOTA = 2
    brief = generate(employee_client, run_pipeline, variant_count=2)

    response = employee_client.post(
        f"{TASKS}/{brief.pk}/variants/1/vary/", {"strength": "subtle"}, format="json"
    )

    assert response.status_code == 429 and response["Retry-After"]
    assert brief.variants.count() == 2


# --- Progress, cheap to poll --------------------------------------------------------------


def test_a_queued_variant_shows_its_stage_and_an_eta_from_recent_work(
    employee, employee_client, run_pipeline
):
    generate(employee_client, run_pipeline)  # a finished task: the estimate's data
    brief = services.generation_task_create(
        user=employee, prompt=PROMPT, width=256, height=256, variant_count=2
    )

    data = detail(employee_client, brief)

    assert data["status"] == "RUNNING"
    for variant in data["variants"]:
        assert variant["stage"] == "queued" and variant["stage_label"] == "В очереди"
        assert variant["thumbnail_url"] is None and variant["chosen"] is False
        assert isinstance(variant["eta_seconds"], int) and variant["eta_seconds"] >= 1


def test_a_variant_at_a_busy_provider_says_so(employee, employee_client):
    brief = services.generation_task_create(
        user=employee, prompt=PROMPT, width=256, height=256, variant_count=2
    )
    variant = brief.variants.get(variant_number=1)
    GenerationTask.objects.filter(pk=variant.pk).update(status=TaskStatus.RUNNING, attempts=1)
    variant.attempt_set.create(
        number=1,
        prompt=PROMPT,
        status="RUNNING",
        provider_job_id="job",
        provider_retries=2,
        error="Очередь Fusion Brain переполнена (DISABLED_BY_QUEUE).",
    )

    first = detail(employee_client, brief)["variants"][0]

    assert first["stage"] == "provider"
    assert first["provider_queue"] == "busy"
    assert "DISABLED_BY_QUEUE" in first["provider_message"]


def test_polling_an_unchanged_task_is_a_304_after_one_query_of_its_own(employee, employee_client):
    brief = services.generation_task_create(
        user=employee, prompt=PROMPT, width=256, height=256, variant_count=4
    )
    first = employee_client.get(f"{TASKS}/{brief.pk}/")
    etag = first["ETag"]

    with CaptureQueriesContext(connection) as queries:
        again = employee_client.get(f"{TASKS}/{brief.pk}/", HTTP_IF_NONE_MATCH=etag)

    assert again.status_code == 304 and not again.content
    # The account behind the token (a deactivated user is refused), then the version.
    assert len(queries) == 2, [q["sql"] for q in queries]
    assert "generation_generationtask" in queries[1]["sql"]


def test_the_etag_changes_when_a_variant_moves_on(employee, employee_client):
    brief = services.generation_task_create(
        user=employee, prompt=PROMPT, width=256, height=256, variant_count=2
    )
    etag = employee_client.get(f"{TASKS}/{brief.pk}/")["ETag"]
    variant = brief.variants.get(variant_number=1)
    variant.status = TaskStatus.RUNNING
    variant.save()

    moved = employee_client.get(f"{TASKS}/{brief.pk}/", HTTP_IF_NONE_MATCH=etag)

    assert moved.status_code == 200 and moved["ETag"] != etag
    assert moved.json()["variants"][0]["status"] == "RUNNING"


def test_a_strangers_etag_probe_is_not_found(employee, run_pipeline, employee_client):
    brief = services.generation_task_create(
        user=employee, prompt=PROMPT, width=256, height=256, variant_count=2
    )
    etag = employee_client.get(f"{TASKS}/{brief.pk}/")["ETag"]

    response = client_for(UserFactory()).get(f"{TASKS}/{brief.pk}/", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 404


def test_the_detail_costs_the_same_queries_for_one_variant_or_four(employee_client, run_pipeline):
    def cost(task) -> int:
        with CaptureQueriesContext(connection) as queries:
            detail(employee_client, task)
        return len(queries)

    two = generate(employee_client, run_pipeline, variant_count=2)
    four = generate(employee_client, run_pipeline, variant_count=4)

    assert cost(two) == cost(four)


# --- Recovery and retry -------------------------------------------------------------------


def test_the_sweeper_fails_a_stuck_variant_and_the_brief_ends_with_the_others(
    settings, employee, run_pipeline
):
    brief = services.generation_task_create(
        user=employee, prompt=PROMPT, width=256, height=256, variant_count=2
    )
    stuck, healthy = brief.variants.order_by("variant_number")
    GenerationTask.objects.filter(pk=stuck.pk).update(
        deadline_at=timezone.now() - timedelta(seconds=1),
        recoveries=settings.GENERATION_MAX_RECOVERIES,
    )
    with run_pipeline():
        pipeline.run_submit(str(healthy.pk), healthy.step_token)

    result = services.generation_tasks_sweep()

    assert result.failed == [str(stuck.pk)]  # the brief itself waits for no message
    brief.refresh_from_db()
    assert brief.status == TaskStatus.SUCCESS
    assert brief.chosen_variant_id == healthy.pk


def test_retrying_a_failed_brief_asks_for_as_many_variants_again(
    settings, employee, employee_client, run_pipeline
):
    settings.SIMULATION_FAILURE_MODE = "blank"
    brief = generate(employee_client, run_pipeline, variant_count=3, max_attempts=1)
    assert brief.status == TaskStatus.FAILED
    settings.SIMULATION_FAILURE_MODE = "none"

    with run_pipeline():
        response = employee_client.post(f"{TASKS}/{brief.pk}/retry/", format="json")

    assert response.status_code == 202, response.content
    retry = GenerationTask.objects.get(pk=response.json()["data"]["id"])
    assert retry.has_variants and retry.variants.count() == 3
    assert retry.status == TaskStatus.SUCCESS
