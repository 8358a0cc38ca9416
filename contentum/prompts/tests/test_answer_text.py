"""Answers in a parameter set reach the database and the LLM: their text passes the same
rule as every text field (no NUL, no lone surrogate), and a refused key is echoed in a
form the error can render."""

import pytest
from rest_framework.renderers import JSONRenderer

from contentum.prompts.models import PromptHistory, PromptParameters
from contentum.prompts.serializers import AssembleInputSerializer

URL = "/api/promptactions/assemble/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("Афиша\x00", "Недопустимый символ NUL."),
        ("Афиша\ud800", "Недопустимый символ U+D800: одиночный суррогат не является текстом."),
    ],
)
def test_an_answer_with_unsafe_text_is_refused_saying_why(answer, message):
    data = AssembleInputSerializer(data={"parameters": {"idea": answer}})

    assert not data.is_valid()
    assert data.errors["parameters"]["idea"] == [message]


@pytest.mark.django_db
def test_an_unknown_key_with_a_lone_surrogate_is_refused_printably():
    data = AssembleInputSerializer(data={"parameters": {"idea": "Афиша", "\udfff": "x"}})

    assert not data.is_valid()
    assert list(data.errors["parameters"]) == ["\\udfff"]
    assert JSONRenderer().render(data.errors)


@pytest.mark.django_db
def test_assembling_with_a_nul_answer_writes_nothing(employee_client):
    response = employee_client.post(URL, {"parameters": {"idea": "А\x00"}}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"]["parameters.idea"] == ["Недопустимый символ NUL."]
    assert not PromptParameters.objects.exists()
    assert not PromptHistory.objects.exists()
