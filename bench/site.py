"""The benchmark server's additions (bench/settings.py): the floor view and the query count."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connections
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

QUERIES_HEADER = "X-Bench-Queries"


def floor(request: HttpRequest) -> HttpResponse:
    """Hello world through the same server and middleware: what any page costs at least."""
    return HttpResponse("hello", content_type="text/plain")


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
    path("", include("budgetapp.urls")),
]
