from django.db import migrations


def forwards(apps, schema_editor):
    from budgetapp.library.seeding import install_common_indicators

    install_common_indicators(apps.get_model("library", "LibraryEntry"))


class Migration(migrations.Migration):
    dependencies = [("library", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
