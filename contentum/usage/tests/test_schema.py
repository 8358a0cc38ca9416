"""GET /api/usage/ in the OpenAPI document: Russian summary, its parameters, both formats."""

import pytest
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator


@pytest.fixture(scope="module")
def operation() -> dict:
    with GENERATOR_STATS.silence():
        document = SchemaGenerator().get_schema(request=None, public=True)
    return document["paths"]["/api/usage/"]["get"]


def test_usage_schema_documents_the_operation(operation):
    assert operation["tags"] == ["usage"]
    assert operation["summary"] == "Отчёт об использовании"
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert set(parameters) == {"from", "to", "group_by", "format"}
    assert parameters["from"]["schema"] == {"type": "string", "format": "date"}
    assert set(parameters["group_by"]["schema"]["enum"]) == {"user", "day", "provider"}
    assert set(parameters["format"]["schema"]["enum"]) == {"json", "csv"}
    responses = operation["responses"]
    assert set(responses["200"]["content"]) == {"application/json", "text/csv"}
    json_body = responses["200"]["content"]["application/json"]["schema"]
    assert json_body == {"$ref": "#/components/schemas/UsageReportEnvelope"}
    error = {"$ref": "#/components/schemas/ErrorEnvelope"}
    for code in ("400", "401", "403"):
        assert responses[code]["content"]["application/json"]["schema"] == error
