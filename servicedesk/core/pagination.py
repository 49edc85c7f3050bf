"""The one way list pages paginate: ``PAGE_SIZE`` rows, the page number from ``?page=``."""

from django.conf import settings
from django.core.paginator import Page, Paginator


def page_of(request, queryset, size: int | None = None) -> Page:
    """The requested page (the last one when the number is too high, the first when it is not a number)."""
    return Paginator(queryset, size or settings.SERVICEDESK["PAGE_SIZE"]).get_page(request.GET.get("page"))
