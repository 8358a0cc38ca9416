"""The engine's own errors: each carries a Russian message a user can act on."""


class LayoutError(Exception):
    """The text cannot be laid out on this canvas; `code` says why.

    Codes: "title_too_long", "word_too_long", "line_too_long", "missing_glyphs",
    "no_room", "unknown_font".
    """

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class InvalidFont(Exception):
    """An uploaded file is not a usable TrueType/OpenType font with Cyrillic."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidLogo(Exception):
    """An uploaded logo is not a static PNG/WebP within the size limits."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
