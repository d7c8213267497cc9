from django.db import migrations


def forwards(apps, schema_editor):
    from budgetapp.indicators.frameworks import install_frameworks

    install_frameworks(
        apps.get_model("indicators", "Framework"), apps.get_model("indicators", "Category")
    )


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
