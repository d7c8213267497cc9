"""The portal searches one lower-cased text per published version; PostgreSQL indexes it with
pg_trgm (a GIN trigram index serves `LIKE '%…%'`). SQLite gets the column only."""

import logging

from django.db import migrations, models, transaction

logger = logging.getLogger(__name__)

# As exports.frozen.search_text at the time of this migration (no live code in a migration).
SEARCHED_FIELDS = ("project_name", "project_code", "unit_name", "region_names", "title")


def fill(apps, schema_editor):
    Publication = apps.get_model("exports", "Publication")
    batch = []
    for publication in Publication.objects.only(*SEARCHED_FIELDS).iterator(chunk_size=2000):
        publication.search_text = "\n".join(
            getattr(publication, name) or "" for name in SEARCHED_FIELDS
        ).lower()
        batch.append(publication)
        if len(batch) >= 2000:
            Publication.objects.bulk_update(batch, ["search_text"])
            batch = []
    Publication.objects.bulk_update(batch, ["search_text"])


def index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception:
        logger.warning(
            "pg_trgm is not available (CREATE EXTENSION pg_trgm as a superuser, then migrate "
            "again): the portal search works without its index, only slower."
        )
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS publication_search_trgm ON exports_publication "
        "USING gin (search_text gin_trgm_ops)"
    )


def unindex(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS publication_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("exports", "0006_export_job_contents")]

    operations = [
        migrations.AddField(
            model_name="publication",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False, verbose_name="检索文本"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(index, unindex),
    ]
