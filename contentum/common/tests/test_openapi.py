"""The OpenAPI document and its two viewers, served with no internet access."""

import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from contentum.common.openapi import (
    HTTP_METHODS,
    OPERATION_ID,
    SUMMARIES,
    TAGS,
    operation_id,
    tag_for,
)

# Any absolute or protocol-relative URL in an attribute or a JS string: a CDN fetch.
EXTERNAL_URL = re.compile(r"""(?:src|href|url)\s*[=:(]\s*["']?\s*(?:https?:)?//""", re.I)
LOCAL_ASSET = re.compile(r"""(?:src|href)=["'](/static/[^"']+)["']""")


@pytest.fixture(scope="module")
def schema() -> dict:
    with GENERATOR_STATS.silence():
        document = SchemaGenerator().get_schema(request=None, public=True)
    # Through JSON, as a client sees it (lazy strings, ordered dicts and all).
    return json.loads(json.dumps(document, default=str))


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def body_schema(operation: dict, code: str) -> dict:
    return operation["responses"][code]["content"]["application/json"]["schema"]


def assert_only_local_assets(client, html: str) -> None:
    assert not EXTERNAL_URL.search(html), EXTERNAL_URL.search(html).group(0)
    assets = LOCAL_ASSET.findall(html)
    assert assets, "the page must load its viewer from our own static files"
    for asset in assets:
        assert client.get(asset).status_code == 200, asset


@pytest.mark.django_db
def test_schema_endpoint_answers_openapi_3(api_client):
    response = api_client.get("/api/schema/?format=json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    assert "/api/users/" in document["paths"]
    assert "/api/audit-logs/" in document["paths"]


def swagger_initializer(api_client) -> str:
    """Swagger UI's settings and schema URL live in a script the split view serves."""
    response = api_client.get("/swagger/", {"script": ""})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_swagger_ui_loads_only_sidecar_assets(api_client):
    response = api_client.get("/swagger/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "/api/schema/" in swagger_initializer(api_client)
    assert_only_local_assets(api_client, html)


@pytest.mark.django_db
def test_swagger_ui_does_not_call_the_online_validator(api_client):
    assert '"validatorUrl": null' in swagger_initializer(api_client)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/swagger/", "/redoc/"])
def test_the_docs_pages_run_no_inline_script_and_carry_a_strict_policy(api_client, path):
    response = api_client.get(path)

    html = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), html
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/swagger/", "/redoc/", "/api/schema/"])
def test_the_docs_are_hidden_unless_api_docs_public(api_client, settings, path):
    settings.API_DOCS_PUBLIC = False

    response = api_client.get(path)

    assert response.status_code == 404
    assert response.json()["status"] == "error"


def test_production_settings_hide_the_docs_by_default():
    from contentum.common.tests.subprocesses import embedded_env, python

    env = embedded_env(
        Path("/nonexistent-var"),
        settings_module="contentum.settings.production",
        SECRET_KEY="k" * 50,
        DATABASE_URL="postgres://nobody@127.0.0.1:9/none",
        API_DOCS_PUBLIC="",
    )
    env.pop("API_DOCS_PUBLIC")
    shown = python(
        "-c",
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.API_DOCS_PUBLIC)",
        env=env,
    )

    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip() == "False"


@pytest.mark.django_db
def test_redoc_loads_only_sidecar_assets(api_client):
    response = api_client.get("/redoc/")
    assert response.status_code == 200
    assert_only_local_assets(api_client, response.content.decode())


@pytest.mark.django_db
@pytest.mark.urls("contentum.common.tests.urls")
def test_offline_redoc_view_loads_only_sidecar_assets(api_client):
    response = api_client.get("/test/redoc/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js" in html
    assert "/api/schema/" in html
    assert_only_local_assets(api_client, html)


def test_schema_generation_has_no_warnings_and_validates(tmp_path, db):
    target = tmp_path / "schema.yaml"
    GENERATOR_STATS.reset()
    try:
        call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(target))
    finally:
        GENERATOR_STATS.reset()
    assert target.read_text().startswith("openapi: 3.")


def test_schema_is_valid_openapi(schema):
    validate_schema(schema)


def test_jwt_bearer_is_the_security_scheme(schema):
    assert schema["components"]["securitySchemes"]["jwtAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
    }
    me = schema["paths"]["/api/users/me/"]["get"]
    assert me["security"] == [{"jwtAuth": []}]


def test_error_envelope_is_a_component(schema):
    components = schema["components"]["schemas"]
    error = components["ErrorEnvelope"]
    assert set(error["properties"]) == {"status", "message", "errors"}
    assert set(error["required"]) == {"status", "message", "errors"}
    assert error["properties"]["status"] == ref("ErrorStatusEnum")
    assert components["ErrorStatusEnum"]["enum"] == ["error"]
    assert error["properties"]["errors"]["additionalProperties"]["items"]["type"] == "string"


def test_registration_answers_the_success_envelope_around_the_user(schema):
    operation = schema["paths"]["/api/users/"]["post"]
    assert body_schema(operation, "201") == ref("UserEnvelope")
    user_envelope = schema["components"]["schemas"]["UserEnvelope"]
    assert user_envelope["properties"]["status"] == ref("SuccessStatusEnum")
    assert user_envelope["properties"]["data"] == ref("User")
    assert schema["components"]["schemas"]["SuccessStatusEnum"]["enum"] == ["success"]
    request = operation["requestBody"]["content"]["application/json"]["schema"]
    assert request == ref("RegistrationRequest")
    assert set(schema["components"]["schemas"]["RegistrationRequest"]["properties"]) == {
        "email",
        "fullName",
        "password",
        "passwordConfirm",
    }


@pytest.mark.parametrize("code", ["400", "413", "415", "429"])
def test_registration_documents_its_errors_as_the_error_envelope(schema, code):
    operation = schema["paths"]["/api/users/"]["post"]
    assert body_schema(operation, code) == ref("ErrorEnvelope")


def test_every_protected_operation_documents_401_and_403_envelopes(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if {} in operation.get("security", [{}]):
                continue  # public
            for code in ("401", "403"):
                assert body_schema(operation, code) == ref("ErrorEnvelope"), (method, path)


def test_audit_log_list_documents_its_filters_and_pagination(schema):
    operation = schema["paths"]["/api/audit-logs/"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {
        "actor",
        "action",
        "created_after",
        "created_before",
        "search",
        "ordering",
        "page",
        "page_size",
    } <= names
    page = schema["components"]["schemas"]["PaginatedAuditLogList"]
    assert set(page["properties"]) == {"count", "next", "previous", "results"}
    assert page["properties"]["results"]["items"] == ref("AuditLog")


# --- Tags, operationIds and summaries (contentum/common/openapi.py) ----------------------

CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield method, path, operation


def test_every_operation_has_one_known_tag(schema):
    for method, path, operation in operations(schema):
        assert len(operation.get("tags", [])) == 1, (method, path, operation.get("tags"))
        assert operation["tags"][0] in TAGS, (method, path, operation["tags"])
    listed = [tag["name"] for tag in schema["tags"]]
    assert listed == [name for name in TAGS if name in listed]
    assert all(CYRILLIC.search(tag["description"]) for tag in schema["tags"])


def test_every_operation_has_a_russian_summary_from_the_table(schema):
    missing = [
        (method.upper(), path, operation["operationId"])
        for method, path, operation in operations(schema)
        if operation["operationId"] not in SUMMARIES
    ]
    assert not missing, f"add these to SUMMARIES in contentum/common/openapi.py: {missing}"
    for method, path, operation in operations(schema):
        summary = operation.get("summary", "")
        assert summary == SUMMARIES[operation["operationId"]], (method, path)
        assert summary.strip() and CYRILLIC.search(summary), (method, path, summary)


def test_the_summary_table_names_only_real_operations(schema):
    ids = {operation["operationId"] for _, _, operation in operations(schema)}
    assert set(SUMMARIES) - ids == set()


def test_operation_ids_are_unique_and_readable(schema):
    ids = [operation["operationId"] for _, _, operation in operations(schema)]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for operation_id_ in ids:
        assert OPERATION_ID.match(operation_id_), operation_id_


def test_operations_keep_their_docstring_descriptions(schema):
    operation = schema["paths"]["/api/generation-tasks/{id}/cancel/"]["post"]
    assert operation["description"].startswith("Stops a task that is queued or running")


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("get", "/api/audit-logs/", "listAuditLogs"),
        ("get", "/api/generation-tasks/{id}/", "getGenerationTask"),
        ("post", "/api/generation-tasks/{id}/choose/", "chooseGenerationTaskVariant"),
        ("post", "/api/generation-tasks/{id}/variants/{number}/vary/", "varyGenerationTaskVariant"),
        ("get", "/api/chats/{id}/messages/", "listChatMessages"),
        ("patch", "/api/chats/{id}/", "updateChat"),
        ("put", "/api/scenarios/{id}/", "replaceScenario"),
        ("post", "/api/prompttemplates/", "createPromptTemplate"),
        ("get", "/api/brand-kits/{id}/logo/", "getBrandKitLogo"),
        ("delete", "/api/generation-tasks/{id}/share/{share_id}/", "revokeGenerationTaskShare"),
    ],
)
def test_operation_ids_follow_the_scheme(method, path, expected):
    assert operation_id(method, path) == expected
    assert tag_for(path) in TAGS
