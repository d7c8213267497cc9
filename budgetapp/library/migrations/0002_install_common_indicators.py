"""Install the 共性指标 derived from the seeds, so production has the library, not only the demo.

The entries are frozen next to this file (`0002_common_indicators.json`, a copy of what
`tools/build_library.py` wrote to `library/data/common_indicators.json` when this migration was
frozen): a data migration installs what it installed the day it was written, whatever the
live file says later. Idempotent: an entry already present (same 一级, 二级 and name) is left as
the administrators may have edited it.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.db import migrations

DATA_FILE = Path(__file__).with_name("0002_common_indicators.json")


def install(entry_model) -> int:
    """Create the missing common entries with `entry_model`; returns how many were created."""
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
        for item in json.loads(DATA_FILE.read_text(encoding="utf-8"))
        if (item["level1"], item["level2"], item["name"]) not in existing
    ]
    entry_model.objects.bulk_create(new)
    return len(new)


def forwards(apps, schema_editor) -> None:
    install(apps.get_model("library", "LibraryEntry"))


class Migration(migrations.Migration):
    dependencies = [("library", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
