"""Install the 共性指标 derived from the seeds (`data/common_indicators.json`).

`tools/build_library.py` writes the file; the data migration calls `install_common_indicators`
with the migration's model so production gets the library, not only the demo. Idempotent: an
entry already present (same 一级, 二级 and name) is left as the administrators may have edited it.
"""

from __future__ import annotations

import json
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "common_indicators.json"


def read_common_indicators() -> list[dict]:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def install_common_indicators(entry_model) -> int:
    """Create the missing common entries; returns how many were created."""
    existing = set(
        entry_model.objects.filter(kind="common").values_list("level1_name", "level2_name", "name")
    )
    new = [
        entry_model(
            kind="common",
            status="approved",
            level1_name=item["level1"],
            level2_name=item["level2"],
            name=item["name"],
            description=item["description"],
            comparator=item["comparator"],
            measure_unit=item["unit"],
            basis=item["basis"],
            keywords=item["keywords"],
            usage_count=item["usage_count"],
        )
        for item in read_common_indicators()
        if (item["level1"], item["level2"], item["name"]) not in existing
    ]
    entry_model.objects.bulk_create(new)
    return len(new)
