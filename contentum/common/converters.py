"""How API paths are matched: the one path converter for ids, and the optional slash.

Every id in an API path is a UUID, which clients write in either case, with or without
hyphens (Django's own `uuid` converter takes lower case with hyphens only). A viewset
says `lookup_value_converter = UUID_CONVERTER` and its router is built with
`use_regex_path=False`; a hand-written route says `<uuid_any:name>`.

Registered on first import, as Django's docs do it in a URLconf: each viewset that names
the converter imports `UUID_CONVERTER` from here, so it exists before the router builds
the routes, and it is registered once per process.

Every API path is written (and listed in the OpenAPI document) with its trailing slash,
and answers without it too: see `slash_optional`.
"""

import uuid

from django.urls import Resolver404, URLResolver, register_converter

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

FILE_KIND_CONVERTER = "file_kind"


class FileKindConverter:
    """How an image is asked for: `image` (inline), `thumbnail` or `download`. Only these
    match, so a sibling route such as `…/vary/` is not taken for a file."""

    regex = "image|thumbnail|download"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FileKindConverter, FILE_KIND_CONVERTER)


class SlashOptionalResolver(URLResolver):
    """An include whose routes also match without their trailing slash.

    Django's APPEND_SLASH answers such a request with a 301, which API clients follow
    badly (a POST turns into a GET and loses its body) or not at all. Here the path with
    the slash appended is resolved instead, in place: the same view, kwargs and answer.
    Routes stay as written, so `reverse()` and the OpenAPI document give the canonical
    form only. DRF's `trailing_slash="/?"` is no help: its routers accept only a boolean
    and build `path()` routes (use_regex_path=False), which cannot say "optional".
    """

    def resolve(self, path: str):
        try:
            return super().resolve(path)
        except Resolver404:
            if path.endswith("/"):
                raise
            return super().resolve(f"{path}/")


def slash_optional(resolver: URLResolver) -> SlashOptionalResolver:
    """`slash_optional(path("api/", include(...)))`: the same include, slash optional."""
    return SlashOptionalResolver(
        resolver.pattern,
        resolver.urlconf_name,
        resolver.default_kwargs,
        resolver.app_name,
        resolver.namespace,
    )
