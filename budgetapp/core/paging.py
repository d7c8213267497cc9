"""Pages of a list that grows with the country (units, notices): one helper, one pager."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window
from django.http import HttpRequest


def page_of(request: HttpRequest, items: QuerySet | Sequence, per_page: int) -> Page:
    """The page `?page=N` asks for (the last one past the end, the first for nonsense)."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    """The request's query string without `page`, for the pager's links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def counted_page_of(request: HttpRequest, items: QuerySet, per_page: int) -> Page:
    """`page_of` in one query where it can: the page's rows read with the size of the whole
    set (`COUNT(*) OVER ()`), instead of a count and then the rows. A page past the end, or
    an empty set, is read as `page_of` reads it (the count, then the last page)."""
    paginator = Paginator(items, per_page)
    asked = request.GET.get("page")
    try:
        number = int(asked)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        number = 1
    if number >= 1:
        bottom = (number - 1) * per_page
        rows = list(items.annotate(_set_size=Window(Count("*")))[bottom : bottom + per_page])
        if rows:
            paginator.count = rows[0]._set_size  # type: ignore[misc]
            return Page(rows, number, paginator)
    return paginator.get_page(asked)


def years_of(items: QuerySet, field: str) -> list[int]:
    """The years of a whole paged list, newest first: what a list offers for each year (a
    city's summary, a unit's book) must not depend on the page shown."""
    return sorted(set(items.order_by().values_list(field, flat=True).distinct()), reverse=True)
