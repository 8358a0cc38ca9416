"""The API's one JSON parser: DRF's, refusing what would crash the code behind it.

Two kinds of valid-looking JSON used to end in a 500, on anonymous endpoints too:

- nesting deeper than Python's recursion limit (`[` × 200 000 as the body) raises
  RecursionError in the decoder; nesting a little shallower parses, and then raises the
  same error later, wherever a serializer, the renderer or `copy.deepcopy` walks it.
  Nothing the API takes is deeper than a few levels, so anything past MAX_JSON_DEPTH is
  refused here, where the answer is still a plain 400.
- a lone UTF-16 surrogate (`"\\ud800"`) decodes to a str that has no UTF-8 form: the
  first encode (a cache key, a database write, the error page echoing it) fails. No
  field could store one, so the body is refused before any code sees it.

Size is limited before this runs (RequestBodyLimitMiddleware, DATA_UPLOAD_MAX_MEMORY_SIZE).
"""

from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from contentum.common.serializers import LONE_SURROGATE, SURROGATE_CHARACTER

MAX_JSON_DEPTH = 64
TOO_DEEP = f"Слишком глубокая вложенность JSON: не больше {MAX_JSON_DEPTH} уровней."


def _refusal(data: Any) -> str | None:
    """Why `data` is refused (too deep, a lone surrogate in a key or a string), else None.
    A loop with its own stack: the walk itself must not recurse."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            match = LONE_SURROGATE.search(value)
            if match:
                return SURROGATE_CHARACTER.format(code=ord(match.group()))
            continue
        if isinstance(value, dict):
            children = [*value.keys(), *value.values()]
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > MAX_JSON_DEPTH:
            return TOO_DEEP
        stack.extend((child, depth + 1) for child in children)
    return None


class SafeJSONParser(JSONParser):
    """JSONParser whose depth and surrogate refusals are a 400 in the error envelope."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(TOO_DEEP, code="json_too_deep") from exc
        refusal = _refusal(data)
        if refusal:
            raise ParseError(refusal, code="json_refused")
        return data
