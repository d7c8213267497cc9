"""A layout description survives JSON: what is frozen renders exactly as it was built."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from budgetapp.layouts import document_for
from budgetapp.layouts.document import document_from_json, document_to_json
from budgetapp.layouts.html import render_html
from budgetapp.targets.models import DepartmentTable, ProjectTable


@pytest.fixture
def demo(db) -> None:
    call_command("load_demo", verbosity=0)


def test_every_demo_table_round_trips_through_json(demo):
    tables = [*DepartmentTable.objects.all(), *ProjectTable.objects.all()[:10]]
    assert len(tables) > 5
    for table in tables:
        document = document_for(table)
        data = json.loads(json.dumps(document_to_json(document)))
        again = document_from_json(data)
        assert again == document
        assert render_html(again) == render_html(document)
