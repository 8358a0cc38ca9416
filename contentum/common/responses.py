"""The success envelope for action endpoints: `{"status": "success", "message", "data"}`."""

from typing import Any

from rest_framework import status as http_status
from rest_framework.response import Response


def success(message: str, data: Any = None, *, status: int = http_status.HTTP_200_OK) -> Response:
    return Response({"status": "success", "message": message, "data": data}, status=status)
