"""Template helpers for the admin's Russian phrases (see contentum/common/admin.py)."""

from django import template
from django.contrib.admin.views.main import ChangeList

register = template.Library()


@register.filter
def result_count(changelist: ChangeList) -> str:
    """«3 чата» under the list, from the model admin's noun."""
    return changelist.model_admin.result_count_text(changelist.result_count)
