"""Log records without query strings.

A shared link's `?signature=` opens an image to whoever holds it, so no log may keep it:
Django's development server logs each request line (`django.server`), and a message that
quotes a URL would carry it too. Gunicorn's access log is set apart, in gunicorn.conf.py.
"""

import logging
import re

# A path (after a "/") followed by "?…" up to the next space or quote.
QUERY_STRING = re.compile(r"""(/[^\s?"']*)\?[^\s"']*""")


def strip_query_strings(text: str) -> str:
    return QUERY_STRING.sub(r"\1", text)


class StripQueryStrings(logging.Filter):
    """Removes query strings from a record's message and its string arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = strip_query_strings(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                strip_query_strings(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        return True
