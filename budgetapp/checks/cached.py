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
  departments' sum, last year's project of the same code or name): one aggregate query, their
  number, the sum of their versions and their latest `updated_at`. Every write of a table or of
  its rows goes through a service that saves the table (version + 1, `updated_at` now), every
  new or deleted table changes the number, so any change to what the rules read moves it;
- the table it was carried forward from (`carried_unchanged`), by the same aggregate;
- the rules' code: a digest of the checks package's sources and of the modules the rules
  parse values with, so a deployment with other rules never reads findings of the old ones.

The key is therefore a digest of content read from the database on every call, never an epoch
kept in the cache: each process's own LocMemCache and a Redis shared by every process and
machine give the same, correct findings. A cache that is down only costs the caching. The
findings have a cache of their own (`CACHES["checks"]`): on a deadline day every save makes a
new key, which in the default cache would push the portal's published pages out of a process's
own 1,000-entry LocMemCache.
"""

from __future__ import annotations

import hashlib
import logging
from functools import cache as once
from pathlib import Path

from django.core.cache import BaseCache, caches
from django.db.models import Count, Max, Q, Sum

from budgetapp.targets.models import DepartmentTable, ProjectTable, TargetTable

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


def _tables_state(data: TableData) -> tuple:
    """The unit's project tables of this year and last year, and the table this one was
    carried from: (number, sum of versions, latest change) of each model read (one query, two
    for a department table carried from last year's)."""
    state: list = []
    if data.unit_id is not None and data.year is not None:
        tables = Q(unit_id=data.unit_id, year__year__in=[data.year, data.year - 1])
        if data.kind == "project" and data.carried_from is not None:
            tables |= Q(pk=data.carried_from)
        state.append(_aggregate(ProjectTable, tables))
    if data.kind == "department" and data.carried_from is not None:
        state.append(_aggregate(DepartmentTable, Q(pk=data.carried_from)))
    elif data.carried_from is not None and (data.unit_id is None or data.year is None):
        state.append(_aggregate(ProjectTable, Q(pk=data.carried_from)))
    return tuple(state)


def _aggregate(model: type[TargetTable], where: Q) -> tuple:
    found = model.objects.filter(where).aggregate(
        number=Count("pk"), versions=Sum("version"), changed=Max("updated_at")
    )
    changed = found["changed"]
    return (found["number"], found["versions"], changed.isoformat() if changed else None)


def _rules_state(rules: list[CheckRule]) -> list[tuple]:
    return [(r.code, r.name, r.severity, r.enabled, r.params, r.order) for r in rules]


def findings_key(data: TableData, rules: list[CheckRule]) -> str:
    """The cache key of the findings of `data` under `rules` (reads the tables' state)."""
    content = repr((data, _rules_state(rules), _tables_state(data)))
    digest = hashlib.sha256(content.encode()).hexdigest()
    return f"{PREFIX}:{code_digest()[:16]}:{digest}"


def findings_cache() -> BaseCache:
    return caches[CACHE_ALIAS]


def cached_findings(data: TableData) -> list[Finding]:
    """`engine.run_checks(data)` of a saved table's `data`, from the cache when nothing it
    reads has changed since."""
    rules = list(CheckRule.objects.filter(stage=Stage.TARGET, enabled=True))
    key = findings_key(data, rules)
    try:
        kept = findings_cache().get(key)
    except Exception:
        logger.exception("reading the checks cache failed")
        kept = None
    if kept is not None:
        return [Finding(**values) for values in kept]
    findings = run_checks(data, rules=rules)
    try:
        findings_cache().set(key, [finding.__dict__ for finding in findings], TIMEOUT)
    except Exception:
        logger.exception("writing the checks cache failed")
    return findings


def cached_check_table(table: TargetTable, trees: dict | None = None) -> Report:
    """`engine.check_table`, from the cache when nothing it reads has changed since (`trees`:
    the frameworks' category trees read already, as `data.framework_tree` keeps them)."""
    return Report(cached_findings(from_table(table, trees)))
