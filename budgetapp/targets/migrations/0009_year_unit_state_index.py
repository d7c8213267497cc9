"""The reviewer's dashboard counts and sums a year's project tables per unit and state from this
index alone (review.selectors.summarize; issue 17)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("targets", "0008_submitted_tables_by_year"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="projecttable",
            index=models.Index(
                fields=["year", "unit", "status", "money_unit", "budget_total", "approved_at"],
                name="project_year_unit_state",
            ),
        ),
    ]
