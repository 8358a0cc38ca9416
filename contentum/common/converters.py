"""The one path converter for the API's ids.

Every id in an API path is a UUID, which clients write in either case, with or without
hyphens (Django's own `uuid` converter takes lower case with hyphens only). A viewset
says `lookup_value_converter = UUID_CONVERTER` and its router is built with
`use_regex_path=False`; a hand-written route says `<uuid_any:name>`.

Registered on first import, as Django's docs do it in a URLconf: each viewset that names
the converter imports `UUID_CONVERTER` from here, so it exists before the router builds
the routes, and it is registered once per process.
"""

import uuid

from django.urls import register_converter

UUID_CONVERTER = "uuid_any"


class AnyCaseUUIDConverter:
    """Matches 32 hex digits, any case, hyphens optional; passes the view the canonical
    string (lower case, hyphenated). Anything else is no match: a 404 before the view."""

    regex = "[0-9a-fA-F-]{32,36}"

    def to_python(self, value: str) -> str:
        return str(uuid.UUID(value))  # ValueError (e.g. 36 hyphens): not this route

    def to_url(self, value: uuid.UUID | str) -> str:
        return str(value)


register_converter(AnyCaseUUIDConverter, UUID_CONVERTER)
