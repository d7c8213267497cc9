"""The benchmark server's additions (bench/settings.py): the floor view and the query count."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.db import connections
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import include, path

QUERIES_HEADER = "X-Bench-Queries"


def floor(request: HttpRequest) -> HttpResponse:
    """Hello world through the same server and middleware: what any page costs at least."""
    return HttpResponse("hello", content_type="text/plain")


@login_required
def signed_in_floor(request: HttpRequest) -> HttpResponse:
    """An empty page of the site for a signed-in user: the middleware, the context processors
    and base.html (navigation bar, session timer) that every page pays for. The page's own
    template is compiled once, as the site's are (the cached loader), not on every request."""
    return HttpResponse(_empty_page().render({}, request))


@functools.cache
def _empty_page():
    return engines["django"].from_string('{% extends "base.html" %}')


class QueryCount:
    """Counts the queries a request makes, on every database, into a response header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        wrappers = [connection.execute_wrapper(counter) for connection in connections.all()]
        for wrapper in wrappers:
            wrapper.__enter__()
        try:
            response = self.get_response(request)
        finally:
            for wrapper in reversed(wrappers):
                wrapper.__exit__(None, None, None)
        response[QUERIES_HEADER] = str(count)
        return response


urlpatterns = [
    path("bench/floor/", floor, name="bench_floor"),
    path("bench/signed-in-floor/", signed_in_floor, name="bench_signed_in_floor"),
    path("", include("budgetapp.urls")),
]
