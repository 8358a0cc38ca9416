"""CORS: a separate front end on an allowed origin may call the API with Bearer tokens."""

from django.test import override_settings

from conftest import client_for

ALLOWED = "http://localhost:3000"


def preflight(client, origin: str):
    return client.options(
        "/api/chats/",
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type",
    )


@override_settings(CORS_ALLOWED_ORIGINS=[ALLOWED])
def test_preflight_from_an_allowed_origin_gets_the_cors_headers(client):
    response = preflight(client, ALLOWED)

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ALLOWED
    assert "POST" in response["Access-Control-Allow-Methods"]
    allowed_headers = response["Access-Control-Allow-Headers"].lower()
    assert "authorization" in allowed_headers
    assert "content-type" in allowed_headers


@override_settings(CORS_ALLOWED_ORIGINS=[ALLOWED])
def test_preflight_from_another_origin_gets_no_cors_headers(client):
    response = preflight(client, "http://evil.example")

    assert "Access-Control-Allow-Origin" not in response
    assert "Access-Control-Allow-Headers" not in response


@override_settings(CORS_ALLOWED_ORIGINS=[ALLOWED])
def test_a_bearer_request_from_an_allowed_origin_is_answered_with_its_origin(employee):
    response = client_for(employee).get("/api/chats/", HTTP_ORIGIN=ALLOWED)

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ALLOWED


@override_settings(CORS_ALLOWED_ORIGINS=[ALLOWED])
def test_the_client_pages_carry_no_cors_headers(client):
    response = client.get("/", HTTP_ORIGIN=ALLOWED)

    assert "Access-Control-Allow-Origin" not in response
