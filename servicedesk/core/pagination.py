"""The one way list pages paginate: ``PAGE_SIZE`` rows, the page number from ``?page=``."""

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.utils.http import urlencode


def page_of(request, queryset, size: int | None = None) -> Page:
    """The requested page (the last one when the number is too high, the first when it is not a number)."""
    return Paginator(queryset, size or settings.SERVICEDESK["PAGE_SIZE"]).get_page(request.GET.get("page"))


def query_without_page(request) -> str:
    """The list's filters as a query string without ``page``: what the pager's links carry along."""
    return urlencode({k: v for k, v in request.GET.items() if k != "page"})
