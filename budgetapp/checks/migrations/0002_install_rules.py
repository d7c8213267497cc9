"""Install the shipped 智能审核 rules (catalog.RULES); existing rows are left as edited."""

from __future__ import annotations

from django.db import migrations

from budgetapp.checks.catalog import install_rules


def forwards(apps, schema_editor) -> None:
    install_rules(apps.get_model("checks", "CheckRule"))


class Migration(migrations.Migration):
    dependencies = [("checks", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
