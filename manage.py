#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contentum.settings.base")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:
        # A configuration mistake (a missing SECRET_KEY, say) is one line for the person
        # starting Contentum, not a traceback through Django's start-up.
        sys.exit(f"Contentum is not configured: {exc}")


if __name__ == "__main__":
    main()
