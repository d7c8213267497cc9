"""As 0009 for the department tables: the reviewer's dashboard counts a year's department tables
per unit and state from this index alone (review.selectors.summarize; issue 17)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("targets", "0009_year_unit_state_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="departmenttable",
            index=models.Index(
                fields=["year", "unit", "status", "approved_at"],
                name="department_year_unit_state",
            ),
        ),
    ]
