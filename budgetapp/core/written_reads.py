"""Model rows read by a SELECT written out once, for the few reads every request makes.

Building a queryset's SQL costs several times what the database spends on a lookup by key
(issue 17: the session, the account with its unit and region, about 0.3–0.5 ms of CPU each on
every signed-in page). `ModelColumns` names one model's columns in such a statement and turns
them back into an instance exactly as the ORM would: every concrete field, the database's and
the fields' converters (SQLite's booleans and datetimes), `from_db` (the instance's database
and state). The statements themselves are written where they are used, with the names taken
from the models, and tested against the ORM's result.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connections
from django.db.models import Field, Model

Converter = Callable[[Any, Any, Any], Any]


class ModelColumns:
    """The concrete columns of `model` under the table alias `alias`, on database `using`."""

    def __init__(self, model: type[Model], alias: str, using: str) -> None:
        connection = connections[using]
        quote = connection.ops.quote_name
        fields = model._meta.concrete_fields
        self.model = model
        self.using = using
        self.width = len(fields)
        self.sql = ", ".join(f"{alias}.{quote(field.column)}" for field in fields)
        self.attnames = [field.attname for field in fields]
        # As SQLCompiler.get_converters: the backend's converters, then the field's.
        self.converters: list[tuple[int, list[Converter], Any]] = []
        for index, field in enumerate(fields):
            column = field.get_col(alias)
            found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            if found:
                self.converters.append((index, found, column))
        self.pk_index = fields.index(model._meta.pk)

    def instance(self, values: Sequence[Any]) -> Model | None:
        """The instance of these columns' values (a slice of a row), or None for the NULLs of
        an outer join that found no row."""
        if values[self.pk_index] is None:
            return None
        if self.converters:
            connection = connections[self.using]
            values = list(values)
            for index, converters, column in self.converters:
                value = values[index]
                for converter in converters:
                    value = converter(value, column, connection)
                values[index] = value
        return self.model.from_db(self.using, self.attnames, values)


@functools.lru_cache(maxsize=64)
def model_columns(model: type[Model], alias: str, using: str) -> ModelColumns:
    """`ModelColumns`, worked out once per model, table alias and database."""
    return ModelColumns(model, alias, using)


def table(model: type[Model], using: str) -> str:
    """The model's table name, quoted for the database `using`."""
    return connections[using].ops.quote_name(model._meta.db_table)


def column(model: type[Model], name: str, using: str) -> str:
    """The column of the model's field `name`, quoted for the database `using`."""
    field = model._meta.get_field(name)
    assert isinstance(field, Field) and field.column is not None
    return connections[using].ops.quote_name(field.column)
