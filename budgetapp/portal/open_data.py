"""Open data: a published version as JSON and as CSV, built from its frozen snapshot only.

The schema is documented in docs/open-data.md and versioned by `SCHEMA`; a change that is not
an addition gets a new number. The CSV holds exactly the snapshot (one value per line), so
`snapshot_from_csv` gives back the snapshot it was written from.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from budgetapp.exports.models import Publication

SCHEMA = "budgetapp-open-data/1"
CSV_COLUMNS = ["section", "position", "id", "field", "label", "value"]

# Labels of the row fields (the snapshot keeps labels for the table's own fields only).
ROW_FIELD_LABELS = {
    "level1": "一级指标",
    "level2": "二级指标",
    "name": "名称",
    "description": "绩效指标描述",
    "target": "指标值",
    "basis": "指标值确定依据",
    "value_prev1": "上年",
    "value_prev2": "前年",
    "text": "内容",
    "title": "标题",
    "kind": "类别",
    "content": "主要实施内容",
    "amount": "拟投入的资金",
    "outcome": "期望达到的目标",
    "total_budget": "项目总预算",
    "budget_total": "项目本年度预算",
    "fund_use": "主要支出方向和用途",
    # 绩效自评 rows
    "actual": "实际完成值",
    "weight": "分值",
    "score": "得分",
    "analysis": "偏差原因分析及改进措施",
}


def table_metadata(publication: Publication) -> dict[str, Any]:
    return {
        "kind": publication.kind,
        "title": publication.title,
        "unit_code": publication.unit_code,
        "unit_name": publication.unit_name,
        "region": publication.region_names,
        "year": publication.year.year,
        "version": publication.number,
        "published_at": publication.published_at.isoformat(),
        "correction_note": publication.correction_note,
    }


def open_data_json(publication: Publication) -> dict[str, Any]:
    """{"schema", "table": metadata, "snapshot": the frozen snapshot as stored}."""
    return {
        "schema": SCHEMA,
        "table": table_metadata(publication),
        "snapshot": publication.data,
    }


def _lines(snapshot: dict[str, Any]):
    yield "table", "", "", "kind", "", snapshot["kind"]
    yield "table", "", "", "version", "", str(snapshot["version"])
    labels = snapshot.get("labels", {})
    for name, value in snapshot["fields"].items():
        yield "fields", "", "", name, labels.get(name, ""), value
    for section, rows in snapshot["rows"].items():
        yield "rows", "", "", section, "", str(len(rows))
        for position, row in enumerate(rows, 1):
            for name, value in row.items():
                if name != "id":
                    label = ROW_FIELD_LABELS.get(name, "")
                    yield f"rows.{section}", position, row["id"], name, label, value
    for position, line in enumerate(snapshot.get("projects", []), 1):
        for name, value in line.items():
            if name != "id":
                yield "projects", position, line["id"], name, ROW_FIELD_LABELS[name], value
    if "line" in snapshot:
        line = snapshot["line"]
        for name, value in line.items():
            if name != "id":
                yield "line", "", line["id"], name, ROW_FIELD_LABELS[name], value


def open_data_csv(publication: Publication) -> str:
    """One line per value of the snapshot: section, position, id, field, label, value."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for line in _lines(publication.data):
        writer.writerow(line)
    return out.getvalue()


def snapshot_from_csv(text: str) -> dict[str, Any]:
    """The snapshot a CSV of `open_data_csv` was written from."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    snapshot: dict[str, Any] = {"fields": {}, "labels": {}, "rows": {}}
    projects: dict[int, dict] = {}
    for line in reader:
        section, field, value = line["section"], line["field"], line["value"]
        if section == "table":
            snapshot[field] = int(value) if field == "version" else value
        elif section == "fields":
            snapshot["fields"][field] = value
            snapshot["labels"][field] = line["label"]
        elif section == "rows":
            snapshot["rows"][field] = []
        elif section.startswith("rows."):
            rows = snapshot["rows"].setdefault(section[5:], [])
            position = int(line["position"])
            if len(rows) < position:
                rows.append({"id": int(line["id"])})
            rows[position - 1][field] = value
        elif section == "projects":
            projects.setdefault(int(line["position"]), {"id": int(line["id"])})[field] = value
        elif section == "line":
            snapshot.setdefault("line", {"id": int(line["id"])})[field] = value
    if projects or snapshot.get("kind") == "department":
        snapshot["projects"] = [projects[key] for key in sorted(projects)]
    return snapshot
