"""Fixtures of the later stages (运行监控, 绩效自评), on conftest's `project`.

Registered for the whole suite from tests/conftest.py (`pytest_plugins`). A file that needs
another shape (e.g. tests/test_stage_books.py's round over several tables) defines its own
fixture of the same name, which wins over these.
"""

from __future__ import annotations

from datetime import date

import pytest

from budgetapp.monitoring.models import MonitoringRound, MonitoringSheet
from budgetapp.monitoring.services import open_round
from budgetapp.review import services as review
from budgetapp.targets.models import ProjectTable


@pytest.fixture
def approved(project, users) -> ProjectTable:
    """conftest's `project`, submitted by its filer and approved by the city's reviewer: what
    monitoring and self-evaluation start from."""
    review.submit_table(table=project, user=users["owner"])
    review.approve_table(table=project, user=users["reviewer"])
    project.refresh_from_db()
    return project


def open_city_round(users, tree, year, who: str = "reviewer", month: int = 6) -> MonitoringRound:
    """A monitoring round of conftest's city up to `month`, due 2021-07-15, opened by
    `users[who]` through the service (it raises as the service does)."""
    return open_round(
        user=users[who],
        region=tree["city"].region,
        year=year,
        cutoff_month=month,
        due_date=date(2021, 7, 15),
    )


@pytest.fixture
def round_(approved, users, tree, year) -> MonitoringRound:
    """A 1–6月 monitoring round of the city, opened by its reviewer (one sheet: `approved`'s)."""
    return open_city_round(users, tree, year)


@pytest.fixture
def sheet(round_) -> MonitoringSheet:
    """The 执行监控表 of `approved` in `round_`."""
    return round_.sheets.get()
