"""POST /api/promptactions/generate/: assemble a prompt and queue its generation."""

import pytest

from conftest import client_for
from contentum.accounts.tests.factories import UserFactory
from contentum.audit.models import AuditLog
from contentum.generation.models import GenerationTask, TaskStatus
from contentum.prompts.models import PromptHistory
from contentum.prompts.tests.factories import PromptParametersFactory

URL = "/api/promptactions/generate/"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.urls("contentum.generation.tests.urls"),
    pytest.mark.usefixtures("simulation"),
]


@pytest.fixture
def parameters(employee):
    return PromptParametersFactory(user=employee)  # answered aspect ratio: 9:16


def assert_refused(response, status: int, field: str | None = None) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["status"] == "error" and body["message"]
    if field:
        assert field in body["errors"], body
    assert not GenerationTask.objects.exists()
    assert not PromptHistory.objects.exists()


def test_generate_answers_202_with_the_task_id_before_any_image_exists(
    employee_client, parameters, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as sent:
        response = employee_client.post(
            URL, {"prompt_parameters_id": str(parameters.id), "max_attempts": 2}, format="json"
        )

    assert response.status_code == 202, response.content
    body = response.json()
    assert (body["status"], body["message"]) == ("success", "Генерация запущена")
    data = body["data"]
    task = GenerationTask.objects.get(pk=data["task_id"])
    assert (data["status"], task.status) == ("PENDING", TaskStatus.PENDING)
    assert (data["width"], data["height"], data["max_attempts"]) == (576, 1024, 2)
    history = PromptHistory.objects.get(pk=data["history_id"])
    assert task.prompt_history == history and task.prompt == history.assembled_prompt
    assert data["assembled_prompt"] == history.assembled_prompt
    assert task.negative_prompt == history.negative_prompt != ""
    assert data["detail_url"] == f"http://testserver/api/generation-tasks/{task.pk}/"
    assert task.origin == "http://testserver"
    assert len(sent) == 1
    assert AuditLog.objects.filter(action="generation.queued", target_id=str(task.pk)).exists()


def test_once_committed_the_task_runs_to_a_finished_image(
    employee_client, parameters, run_pipeline
):
    with run_pipeline():
        response = employee_client.post(
            URL, {"prompt_parameters_id": str(parameters.id)}, format="json"
        )

    task = GenerationTask.objects.get(pk=response.json()["data"]["task_id"])
    assert (task.status, task.max_attempts) == (TaskStatus.SUCCESS, 3)
    assert (task.width, task.height) == (576, 1024)


@pytest.mark.parametrize(
    ("extra", "size"),
    [
        ({"aspect_ratio": "16:9"}, (1024, 576)),
        ({"aspect_ratio": "4:5"}, (768, 960)),
        ({"width": 512, "height": 768}, (512, 768)),
    ],
)
def test_an_explicit_size_or_ratio_wins_over_the_answered_one(
    employee_client, parameters, extra, size
):
    response = employee_client.post(
        URL, {"prompt_parameters_id": str(parameters.id), **extra}, format="json"
    )

    assert response.status_code == 202, response.content
    data = response.json()["data"]
    assert (data["width"], data["height"]) == size


def test_inline_parameters_are_assembled_and_generated(employee_client):
    body = {"parameters": {"idea": "Кот на крыше", "aspect_ratio": "2:3"}}

    response = employee_client.post(URL, body, format="json")

    assert response.status_code == 202, response.content
    data = response.json()["data"]
    assert (data["width"], data["height"]) == (640, 960)
    assert data["assembled_prompt"].startswith("Кот на крыше")


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"aspect_ratio": "21:9"}, "aspect_ratio"),
        ({"width": 1000, "height": 1024}, "size"),
        ({"width": 2048, "height": 2048}, "size"),
        ({"width": 512}, "size"),
        ({"aspect_ratio": "1:1", "width": 512, "height": 512}, "non_field_errors"),
    ],
    ids=["ratio", "off-grid", "too-big", "width-only", "ratio-and-size"],
)
def test_an_unsupported_size_or_ratio_is_refused_with_400(
    employee_client, parameters, extra, field
):
    response = employee_client.post(
        URL, {"prompt_parameters_id": str(parameters.id), **extra}, format="json"
    )

    assert_refused(response, 400, field)


def test_an_unsupported_ratio_among_the_answers_is_refused_with_400(employee_client):
    body = {"parameters": {"idea": "Кот на крыше", "aspect_ratio": "7:3"}}

    response = employee_client.post(URL, body, format="json")

    assert_refused(response, 400, "aspect_ratio")
    assert "7:3" in response.json()["message"]


@pytest.mark.parametrize("max_attempts", [0, 11, -1, "3", 2.5, True, None])
def test_max_attempts_outside_1_to_10_or_not_an_integer_is_refused(
    employee_client, parameters, max_attempts
):
    body = {"prompt_parameters_id": str(parameters.id), "max_attempts": max_attempts}

    response = employee_client.post(URL, body, format="json")

    assert_refused(response, 400, "max_attempts")


@pytest.mark.parametrize("max_attempts", [1, 10])
def test_max_attempts_at_the_bounds_is_accepted(employee_client, parameters, max_attempts):
    body = {"prompt_parameters_id": str(parameters.id), "max_attempts": max_attempts}

    response = employee_client.post(URL, body, format="json")

    assert response.status_code == 202, response.content
    assert GenerationTask.objects.get().max_attempts == max_attempts


def test_another_users_parameters_are_not_found(employee_client):
    stranger = PromptParametersFactory(user=UserFactory())

    response = employee_client.post(URL, {"prompt_parameters_id": str(stranger.id)}, format="json")

    assert_refused(response, 404, "prompt_parameters_id")


def test_an_admin_may_generate_from_anyones_parameters(admin_user, parameters):
    response = client_for(admin_user).post(
        URL, {"prompt_parameters_id": str(parameters.id)}, format="json"
    )

    assert response.status_code == 202, response.content
    assert GenerationTask.objects.get().owner == admin_user


@pytest.mark.parametrize(
    "body",
    [{}, {"parameters": {"idea": "Кот"}, "colour": "red"}, []],
    ids=["nothing", "unknown-field", "not-an-object"],
)
def test_malformed_bodies_are_refused_with_400(employee_client, body):
    response = employee_client.post(URL, body, format="json")

    assert_refused(response, 400)


def test_generating_needs_a_token(api_client, parameters):
    response = api_client.post(URL, {"prompt_parameters_id": str(parameters.id)}, format="json")

    assert_refused(response, 401)


def test_starting_generations_is_limited_per_user_and_the_limit_writes_nothing(
    settings, employee_client, parameters, django_capture_on_commit_callbacks
):
    """Every generation costs a provider call: past THROTTLE_GENERATE a user gets 429 in
    the envelope, and other users are not affected."""
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "generate": "2/min"}
    body = {"prompt_parameters_id": str(parameters.pk)}
    with django_capture_on_commit_callbacks(execute=False):
        for _ in range(2):
            assert employee_client.post(URL, body, format="json").status_code == 202
        refused = employee_client.post(URL, body, format="json")

    assert refused.status_code == 429, refused.content
    assert refused.json()["status"] == "error" and refused.json()["message"]
    assert GenerationTask.objects.count() == 2
    other = UserFactory()
    other_parameters = PromptParametersFactory(user=other)
    with django_capture_on_commit_callbacks(execute=False):
        response = client_for(other).post(
            URL, {"prompt_parameters_id": str(other_parameters.pk)}, format="json"
        )
    assert response.status_code == 202
