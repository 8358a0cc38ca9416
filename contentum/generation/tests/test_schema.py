"""The generation endpoints in the OpenAPI document: no warnings, valid, binary images."""

import pytest
import yaml
from django.core.management import call_command
from drf_spectacular.drainage import GENERATOR_STATS


@pytest.fixture
def schema(tmp_path, db) -> dict:
    target = tmp_path / "schema.yaml"
    GENERATOR_STATS.reset()
    try:
        call_command(
            "spectacular",
            "--fail-on-warn",
            "--validate",
            "--urlconf",
            "contentum.generation.tests.urls",
            "--file",
            str(target),
        )
    finally:
        GENERATOR_STATS.reset()
    return yaml.safe_load(target.read_text())


def test_generation_endpoints_are_documented_without_warnings(schema):
    paths = schema["paths"]
    generate = paths["/api/promptactions/generate/"]["post"]
    assert set(generate["responses"]) >= {"202", "400", "401", "404"}
    download = paths["/api/generation-tasks/{id}/download/"]["get"]
    assert download["responses"]["200"]["content"]["image/png"]["schema"]["format"] == "binary"
    assert set(download["responses"]) >= {"200", "401", "403", "404"}
    assert "signature" in {p["name"] for p in download["parameters"]}
    for action in ("cancel", "retry", "share"):
        assert "post" in paths[f"/api/generation-tasks/{{id}}/{action}/"]
    components = schema["components"]["schemas"]
    statuses = components["GenerationTaskStatusEnum"]["enum"]
    assert statuses == ["PENDING", "RUNNING", "SUCCESS", "FAILED", "CANCELLED"]
    assert "REJECTED" in components["GenerationAttemptStatusEnum"]["enum"]
    task = components["GenerationTaskDetail"]["properties"]
    assert task["status"]["allOf"] == [{"$ref": "#/components/schemas/GenerationTaskStatusEnum"}]


def test_share_links_are_documented_with_their_id_and_both_ways_to_revoke(schema):
    paths = schema["paths"]
    assert set(paths["/api/generation-tasks/{id}/share/"]) >= {"post", "delete"}
    revoke = paths["/api/generation-tasks/{id}/share/{share_id}/"]["delete"]
    share_id = next(p for p in revoke["parameters"] if p["name"] == "share_id")
    assert share_id["schema"] == {"type": "string", "format": "uuid"}
    assert "share_id" in schema["components"]["schemas"]["ShareResult"]["properties"]
