from functools import partial

from django.core.paginator import Paginator
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    invalid_page_message = "Такой страницы нет."


class LongPagination(StandardPagination):
    """For a chat's messages: a client may fetch a whole conversation at once."""

    max_page_size = 1000


class _KnownCountPaginator(Paginator):
    def __init__(self, *args, known_count: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.known_count = known_count

    @cached_property
    def count(self) -> int:
        return self.known_count


class KnownCountPagination(LongPagination):
    """Trusts a count the caller already keeps (a chat's message counter): one COUNT fewer."""

    known_count = 0

    @property
    def django_paginator_class(self):
        return partial(_KnownCountPaginator, known_count=self.known_count)

    def paginate_with_count(self, queryset, request, view, *, count: int):
        self.known_count = count
        return self.paginate_queryset(queryset, request, view)
