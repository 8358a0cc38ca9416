from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    invalid_page_message = "Такой страницы нет."


class LongPagination(StandardPagination):
    """For a chat's messages: a client may fetch a whole conversation at once."""

    max_page_size = 1000
