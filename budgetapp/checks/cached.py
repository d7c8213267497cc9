"""The 智能审核 of a saved table, kept in its own cache under everything it reads.

The table page and the editor show the findings of the saved table (the submission gate always
runs the rules afresh). Working them out reads the unit's other project tables of the year
and of last year with their rows (some 250 rows) and runs every rule: about 5 ms a page. The
findings depend only on

- the table's own content as the rules see it (`data.from_table`: its fields, its rows with
  their categories' names, its framework's category tree, its unit's layout), hashed here
  from what the page has read anyway;
- the enabled `CheckRule` rows (code, name, severity, params, order), read on every call;
- the unit's project tables of this year and last year (`CheckContext`: other projects, the
  departments' sum, last year's project of the same code or name): an aggregate, their
  number, the sum of their versions and their latest `updated_at`. Every write of a table or of
  its rows goes through a service that saves the table (version + 1, `updated_at` now), every
  new or deleted table changes the number, so any change to what the rules read moves it;
- the table it was carried forward from (`carried_unchanged`), by the same aggregate;
- the rules' code: a digest of the checks package's sources and of the modules the rules
  parse values with, so a deployment with other rules never reads findings of the old ones.

The rules and the aggregates are read by one SQL statement (`_read_state`), written out here:
built by the ORM, the two queries cost some 1.1 ms of CPU a page, nearly all of it Django
compiling them (one ORM query with the aggregates as subqueries of the rules took 1.6 ms), the
statement 0.15 ms. On a miss the rules run as read by it (`CheckRule` instances made from its
rows), so the findings kept are those of the rules the key names.

The key is therefore a digest of content read from the database on every call, never an epoch
kept in the cache: each process's own LocMemCache and a Redis shared by every process and
machine give the same, correct findings. A cache that is down only costs the caching. The
findings have a cache of their own (`CACHES["checks"]`): on a deadline day every save makes a
new key, which in the default cache would push the portal's published pages out of a process's
own 1,000-entry LocMemCache.
"""

from __future__ import annotations

import hashlib
import json
import logging
from functools import cache as once
from pathlib import Path

from django.core.cache import BaseCache, caches
from django.db import connections, router

from budgetapp.targets.models import DepartmentTable, ProjectTable, TargetTable
from budgetapp.units.models import BudgetYear

from .data import TableData, from_table
from .engine import Finding, Report, run_checks
from .models import CheckRule, Stage

logger = logging.getLogger(__name__)

PREFIX = "checks:findings"
# Its own cache (settings.CACHES["checks"]), not the default one the portal's pages are kept in.
CACHE_ALIAS = "checks"
TIMEOUT = 60 * 60 * 24
_CHECKS = Path(__file__).resolve().parent
_BUDGETAPP = _CHECKS.parent
# Besides the checks package, what the rules compute with.
_ALSO_READ = ("indicators/values.py", "targets/money.py")


@once
def code_digest() -> str:
    """The rules' code: every source file of the checks package (but its migrations) and the
    modules the rules parse targets and money with."""
    digest = hashlib.sha256()
    files = sorted(p for p in _CHECKS.rglob("*.py") if "migrations" not in p.parts)
    for path in [*files, *(_BUDGETAPP / name for name in _ALSO_READ)]:
        digest.update(str(path.relative_to(_BUDGETAPP)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


# The rules' columns, in `CheckRule`'s field order (what `_rule` makes an instance of).
_RULE_FIELDS = ("id", "code", "name", "stage", "description", "severity", "enabled", "params",
                "order")  # fmt: skip


def _aggregates(data: TableData) -> list[tuple[type[TargetTable], str, list]]:
    """The tables whose state the findings depend on: the unit's project tables of this year
    and last year, and the table this one was carried from, as (model, SQL condition on `t`
    joined to its year `y`, params) of each model read (two for a department table carried
    from last year's)."""
    found: list[tuple[type[TargetTable], str, list]] = []
    if data.unit_id is not None and data.year is not None:
        where = "(t.unit_id = %s AND y.year IN (%s, %s))"
        params = [data.unit_id, data.year, data.year - 1]
        if data.kind == "project" and data.carried_from is not None:
            where, params = f"({where} OR t.id = %s)", [*params, data.carried_from]
        found.append((ProjectTable, where, params))
    if data.kind == "department" and data.carried_from is not None:
        found.append((DepartmentTable, "t.id = %s", [data.carried_from]))
    elif data.carried_from is not None and (data.unit_id is None or data.year is None):
        found.append((ProjectTable, "t.id = %s", [data.carried_from]))
    return found


def _statement(data: TableData) -> tuple[str, list]:
    """One statement: for each table set of `_aggregates` its number of tables, sum of
    versions and latest change, beside every enabled target rule (one row a rule, the
    aggregates repeated; one row of NULL rule columns when none is enabled)."""
    quote = connections[router.db_for_read(CheckRule)].ops.quote_name
    year_table = quote(BudgetYear._meta.db_table)
    parts, params = [], []
    for index, (model, where, values) in enumerate(_aggregates(data)):
        parts.append(
            f"(SELECT COUNT(t.id) AS n, SUM(t.version) AS v, MAX(t.updated_at) AS c"
            f" FROM {quote(model._meta.db_table)} t INNER JOIN {year_table} y ON y.id = t.year_id"
            f" WHERE {where}) a{index}"
        )
        params += values
    columns = [f"a{i}.{name}" for i in range(len(parts)) for name in ("n", "v", "c")]
    rule_columns = [f"r.{quote(CheckRule._meta.get_field(f).column)}" for f in _RULE_FIELDS]
    sql = (
        f"SELECT {', '.join([*columns, *rule_columns])}"
        f" FROM {' CROSS JOIN '.join(parts) or '(SELECT 1 AS one) a'}"
        f" LEFT JOIN {quote(CheckRule._meta.db_table)} r ON r.stage = %s AND r.enabled = %s"
        f" ORDER BY r.{quote('order')}, r.code"  # CheckRule.Meta.ordering
    )
    return sql, [*params, Stage.TARGET, True]


def _read_state(data: TableData) -> tuple[tuple, list[tuple]]:
    """(the tables' state, the enabled target rules' rows as `_RULE_FIELDS`): one query."""
    sql, params = _statement(data)
    with connections[router.db_for_read(CheckRule)].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    width = len(rows[0]) - len(_RULE_FIELDS)
    state = tuple(tuple(rows[0][i : i + 3]) for i in range(0, width, 3))
    rules = [row[width:] for row in rows if row[width] is not None]
    return state, rules


def _params(value: object) -> object:
    """The JSON of a rule's params as the ORM would give it (read as text by the statement)."""
    return json.loads(value) if isinstance(value, str) else value


def _rule(row: tuple) -> CheckRule:
    values = dict(zip(_RULE_FIELDS, row, strict=True))
    return CheckRule(
        **{**values, "enabled": bool(values["enabled"]), "params": _params(values["params"])}
    )


def read_key(data: TableData) -> tuple[str, list[tuple]]:
    """The cache key of the findings of `data` (reads the rules and the tables' state: one
    query), and the rules' rows read for it."""
    state, rules = _read_state(data)
    content = repr((data, rules, state))
    digest = hashlib.sha256(content.encode()).hexdigest()
    return f"{PREFIX}:{code_digest()[:16]}:{digest}", rules


def findings_cache() -> BaseCache:
    return caches[CACHE_ALIAS]


def cached_findings(data: TableData) -> list[Finding]:
    """`engine.run_checks(data)` of a saved table's `data`, from the cache when nothing it
    reads has changed since."""
    key, rules = read_key(data)
    try:
        kept = findings_cache().get(key)
    except Exception:
        logger.exception("reading the checks cache failed")
        kept = None
    if kept is not None:
        return [Finding(**values) for values in kept]
    findings = run_checks(data, rules=[_rule(row) for row in rules])
    try:
        findings_cache().set(key, [finding.__dict__ for finding in findings], TIMEOUT)
    except Exception:
        logger.exception("writing the checks cache failed")
    return findings


def cached_check_table(table: TargetTable, trees: dict | None = None) -> Report:
    """`engine.check_table`, from the cache when nothing it reads has changed since (`trees`:
    the frameworks' category trees read already, as `data.framework_tree` keeps them)."""
    return Report(cached_findings(from_table(table, trees)))
