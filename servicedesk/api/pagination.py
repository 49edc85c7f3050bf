"""Cursor pagination: stable under inserts (a new ticket never shifts the next page) and
constant-time at any depth, unlike page numbers on a 100k-row table."""

from rest_framework.pagination import CursorPagination


class Cursor(CursorPagination):
    ordering = "-id"
    page_size_query_param = "page_size"
    max_page_size = 200
