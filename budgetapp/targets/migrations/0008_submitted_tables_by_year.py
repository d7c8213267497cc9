"""The years with tables waiting for review, found without reading every table of the country
(review.selectors.default_year; issue 17)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("targets", "0007_import_problems"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="departmenttable",
            index=models.Index(
                condition=models.Q(("status", "submitted")),
                fields=["year", "unit"],
                name="department_submitted_by_year",
            ),
        ),
        migrations.AddIndex(
            model_name="projecttable",
            index=models.Index(
                condition=models.Q(("status", "submitted")),
                fields=["year", "unit"],
                name="project_submitted_by_year",
            ),
        ),
    ]
