from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

# The shell loads only its own files and talks only to its own API. Images are fetched
# with the token and shown as blob: URLs (an <img> cannot send an Authorization header).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' blob: data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


@require_safe
def client(request: HttpRequest, chat_id: object = None) -> HttpResponse:
    """The single-page client. Everything it shows comes from the JSON API with a JWT."""
    response = render(request, "web/index.html")
    response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-cache"
    return response
