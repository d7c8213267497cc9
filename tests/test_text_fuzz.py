"""Text XML cannot hold (issue 13 §3): refused at input with a Chinese message, cleaned by the
import with a warning, and stripped at render, so no export or publication ever fails on a
stored string. Every text field of both tables (and their rows, in all three department
layouts) is fuzzed with C0 characters, 4-byte characters, RTL marks and 10,000-character
strings, through editor → PDF → XLSX → city summary → publish."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User
from django.db import models
from django.urls import reverse
from openpyxl import load_workbook

from budgetapp.core.text import clean_text
from budgetapp.demo.loader import load_demo
from budgetapp.exports.registry import export_table, export_unit_book
from budgetapp.exports.summary import city_summary
from budgetapp.imports.apply import import_workbook
from budgetapp.imports.reader import read_workbook
from budgetapp.review import services as review
from budgetapp.targets.forms import (
    DEPARTMENT_FORMSETS,
    ProjectTableForm,
    department_form_class,
)
from budgetapp.targets.models import DepartmentTable, ProjectTable, Status
from budgetapp.units.models import Account, BudgetYear, Role, Unit

from .conftest import login, pdf_text
from .forms_data import project_post

C0 = "".join(chr(c) for c in range(0x20) if chr(c) not in "\t\n\r")
EMOJI = "😀♿"  # 4-byte UTF-8 (astral plane)
EXT_B = "𠀀𪚥"  # CJK Extension B
RTL = "\u200f\u202eعربى\u202c"  # RTL mark, right-to-left override
HOSTILE = f"康复{C0}服务{EMOJI}{EXT_B}{RTL}\x7f\ud800\ufffe\uffff"
VISIBLE = clean_text(HOSTILE)
# A database cannot store a lone surrogate (its UTF-8 encoding fails), and PostgreSQL's text
# cannot hold NUL at all (the forms refuse both, tested below): stored text gets the rest.
STORABLE = HOSTILE.replace("\ud800", "").replace("\x00", "")

UNITS = [
    ("秦皇岛市山海关区残疾人联合会本级", 2021, "qhd_reviewer"),  # Hebei narrative
    ("廉江市残疾人联合会", 2024, "zj_reviewer"),  # Guangdong table
    ("武汉市蔡甸区残疾人联合会", 2025, "wh_reviewer"),  # Hubei table
]


def test_the_sanitiser_keeps_what_xml_holds():
    assert f"康复服务{EMOJI}{EXT_B}{RTL}" == VISIBLE
    assert clean_text("一\t二\n三\r") == "一\t二\n三\r"


# --- Input: every text field of every form refuses them, in Chinese -------------------------


def _text_fields(form) -> list[str]:
    from django import forms

    return [
        name
        for name, field in form.fields.items()
        if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.HiddenInput)
    ]


@pytest.mark.parametrize("control", ["\x01", "\x07", "\x1b", "\x00", "\ud800", "\uffff"])
def test_every_table_text_field_refuses_control_characters_in_chinese(db, control):
    forms = [ProjectTableForm()] + [
        department_form_class(layout)() for layout in DEPARTMENT_FORMSETS
    ]
    checked = 0
    for form in forms:
        for name in _text_fields(form):
            field = form.fields[name]
            with pytest.raises(Exception) as refused:
                field.clean(f"康复{control}服务")
            assert "控制字符" in " ".join(refused.value.messages), name
            field.clean(f"康复服务{EMOJI}{EXT_B}{RTL}")  # valid XML is accepted
            checked += 1
    assert checked >= 9


@pytest.mark.parametrize("control", ["\x01", "\x07", "\x1b"])
def test_every_row_text_field_refuses_control_characters(db, control):
    from budgetapp.imports.plan import DEPARTMENT_FORMSET_CLASSES, PROJECT_FORMSETS

    formsets = [*PROJECT_FORMSETS.values(), *DEPARTMENT_FORMSET_CLASSES.values()]
    for formset_class in formsets:
        form = formset_class(prefix="x").empty_form
        for name in _text_fields(form):
            with pytest.raises(Exception) as refused:
                form.fields[name].clean(f"一{control}二")
            assert "控制字符" in " ".join(refused.value.messages), (formset_class, name)


def test_the_editor_refuses_a_control_character_keeps_the_text_and_saves_nothing(
    client, project, users
):
    login(client, users["owner"])
    version = project.version
    data = project_post(table=project, fund_use="用于\x07康复\x1b服务", name=project.name)
    response = client.post(reverse("targets:project_edit", args=[project.pk]), data)
    html = response.content.decode()
    assert response.status_code in (200, 400)
    assert "含有不可见的控制字符（U+0007、U+001B）" in html
    assert "用于&#x7;康复" in html or "用于\x07康复" in html  # what was typed is kept
    project.refresh_from_db()
    assert project.version == version and "\x07" not in project.fund_use


# --- Import: cleaned, with a warning at the cell ---------------------------------------------


def test_the_import_cleans_control_characters_with_a_finding(demo_db):
    unit = Unit.objects.get(name="秦皇岛市山海关区残疾人联合会本级")
    table = ProjectTable.objects.filter(unit=unit).order_by("sequence").first()
    content = export_table(table, "xlsx").content
    book = load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == table.fund_use)
    # openpyxl drops C0 characters when it reads (`_x0007_` too); DEL (U+007F) is valid XML
    # and comes through, as another tool writes it.
    cell.value = "用于\x7f康复服务\x7f"
    out = io.BytesIO()
    book.save(out)
    filer = Account.objects.filter(unit=unit, role=Role.FILER).first().user
    parsed = read_workbook(out.getvalue())
    assert "\x7f" in parsed.tables[0].fields["fund_use"]  # the reader keeps what the file says

    result = import_workbook(user=filer, unit=unit, year=2021, parsed=parsed, dry_run=False)

    assert result.applied, [str(p) for p in result.all_problems]
    table.refresh_from_db()
    assert table.fund_use == "用于康复服务"
    warnings = [str(p) for p in result.all_problems if not p.is_error]
    assert any("已删除不可见的控制字符（U+007F）" in w for w in warnings)


# --- Output: stored strings never break an export or a publication ---------------------------


@pytest.fixture
def demo_db(db):
    load_demo()


def _long(max_length: int | None) -> str:
    if max_length:
        return (STORABLE * 200)[:max_length]
    return (STORABLE * 1000)[:10_000]


def _poison(instance: models.Model) -> None:
    """Every text field of a stored object gets hostile text, as if written before the input
    check (or by any other means): updated in the database, bypassing forms."""
    values = {}
    for field in instance._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField) and not field.choices:
            if field.name in ("code",) or not field.editable:
                continue
            values[field.name] = _long(getattr(field, "max_length", None))
    if values:
        type(instance).objects.filter(pk=instance.pk).update(**values)


def _poison_table(table) -> None:
    _poison(table)
    for related in ("goals", "indicators", "sub_goals", "measures", "tasks"):
        if hasattr(table, related):
            for row in getattr(table, related).all():
                _poison(row)
    # Names must stay unique: a poisoned name plus the table's own number.
    if isinstance(table, ProjectTable):
        ProjectTable.objects.filter(pk=table.pk).update(name=f"{STORABLE}{table.pk}")


@pytest.mark.parametrize(("unit_name", "year", "reviewer_name"), UNITS)
def test_hostile_stored_text_goes_through_pdf_xlsx_city_summary_and_publish(
    demo_db, unit_name, year, reviewer_name
):
    unit = Unit.objects.get(name=unit_name)
    tables = list(ProjectTable.objects.filter(unit=unit, year__year=year)[:2])
    tables.append(DepartmentTable.objects.get(unit=unit, year__year=year))
    for table in tables:
        _poison_table(table)

    book_pdf = export_unit_book(unit, year, "pdf").content
    text = pdf_text(book_pdf)
    assert "康复服务" in text and "\x07" not in text

    book_xlsx = load_workbook(io.BytesIO(export_unit_book(unit, year, "xlsx").content))
    values = [
        c.value for ws in book_xlsx.worksheets for row in ws.iter_rows() for c in row if c.value
    ]
    assert any(VISIBLE in str(v) for v in values)  # emoji, Ext-B and RTL marks kept
    assert not any(ch in str(v) for v in values for ch in "\x01\x07\x1b")

    budget_year = BudgetYear.objects.get(year=year)
    summary = city_summary(units=[unit], year=budget_year, scope="城市")
    sheet_values = [
        str(c.value)
        for ws in load_workbook(io.BytesIO(summary.content)).worksheets
        for row in ws.iter_rows()
        for c in row
        if c.value
    ]
    assert not any(ch in v for v in sheet_values for ch in "\x01\x07\x1b\x7f")
    if any(isinstance(t, ProjectTable) for t in tables):  # the summary lists project names
        assert any(VISIBLE in v for v in sheet_values)

    filer = Account.objects.filter(unit=unit, role=Role.FILER).first().user
    reviewer = User.objects.get(username=reviewer_name)
    for table in tables:
        table.refresh_from_db()
        review.submit_table(table=table, user=filer)
        review.approve_table(table=table, user=reviewer)
        review.publish_table(table=table, user=reviewer)
        table.refresh_from_db()
        assert table.status == Status.PUBLISHED
