"""Build the POST body a browser sends for a project table with its row formsets."""

from __future__ import annotations

from budgetapp.targets.models import DepartmentIndicator, DepartmentTable, ProjectTable

from .html_forms import read_form


def project_post(
    *,
    table: ProjectTable | None = None,
    indicators: list[dict] | None = None,
    goals: list[dict] | None = None,
    **fields,
) -> dict[str, str]:
    data = {
        "sequence": "1",
        "code": "",
        "name": "残疾人康复经费",
        "money_unit": "元",
        "budget_total": "50000",
        "budget_fiscal": "50000",
        "budget_other": "0",
        "lifetime_budget": "",
        "fund_use": "用于残疾人康复服务",
        "plan_march": "25",
        "plan_june": "50",
        "plan_october": "75",
        "plan_december": "100",
        "loaded_version": str(table.version) if table else "",
    }
    data.update({k: str(v) for k, v in fields.items()})
    goals = goals if goals is not None else [{"text": "为残疾人提供康复服务"}]
    indicators = indicators or []
    for prefix, rows in (("goals", goals), ("indicators", indicators)):
        initial = sum(1 for row in rows if row.get("id"))
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{prefix}-INITIAL_FORMS"] = str(initial)
        data[f"{prefix}-MIN_NUM_FORMS"] = "0"
        data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
        for i, row in enumerate(rows):
            row = {"order": str(i + 1), **row}
            for key, value in row.items():
                if key == "DELETE":
                    if value:
                        data[f"{prefix}-{i}-DELETE"] = "on"
                    continue
                data[f"{prefix}-{i}-{key}"] = "" if value is None else str(value)
    return data


def indicator(category, level1: str, level2: str, name: str, target: str, **extra) -> dict:
    return {
        "level1": category(level1).pk,
        "level2": category(level1, level2).pk,
        "name": name,
        "description": extra.pop("description", ""),
        "target": target,
        "basis": extra.pop("basis", "工作计划"),
        **extra,
    }


def existing_rows(table: ProjectTable, category) -> list[dict]:
    """The rows of a saved table as the edit page posts them back unchanged."""
    return [
        {
            "id": row.pk,
            "table": table.pk,
            "level1": row.level1_id,
            "level2": row.level2_id or "",
            "name": row.name,
            "description": row.description,
            "target": row.target,
            "basis": row.basis,
        }
        for row in table.indicators.all()
    ]


def department_with_rows(
    tree, year, category, layout: str, rows: list[tuple[int | None, str, str, str]]
) -> DepartmentTable:
    """A department table of the `own` unit, its province set to `layout`, with one indicator
    row (targets ≥1) a (goal_no or None, 一级, 二级, name) in `rows`, in that order."""
    province = tree["own"].region.parent.parent
    province.layout = layout
    province.save()
    table = DepartmentTable.objects.create(unit=tree["own"], year=year, framework=year.framework)
    for order, (goal_no, level1, level2, name) in enumerate(rows, 1):
        DepartmentIndicator.objects.create(
            table=table,
            order=order,
            level1=category(level1),
            level2=category(level1, level2),
            name=name,
            target="≥1",
            **({} if goal_no is None else {"goal_no": goal_no}),
        )
    return table


def editor_post(client, url: str) -> dict[str, str]:
    """What the editor page at `url` posts back unchanged (its form's fields and values)."""
    return read_form(client.get(url).content.decode()).as_dict()


def append_row(data, prefix: str, **values) -> None:
    """Add a row of `values` at the end of the formset `prefix` of a POST body, as the editor's
    "add a row" does (its order the next number)."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-{index}-order"] = str(index + 1)
    for name, value in values.items():
        data[f"{prefix}-{index}-{name}"] = str(value)
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
