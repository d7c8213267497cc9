"""The 系统管理员 already on the books may change the default thresholds of the lights in the
admin site (`units.admin_rights.SYSTEM_ADMIN_MODELS`); new ones get it when their role is set."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    config = apps.get_app_config("monitoring")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)  # permissions come after migrate otherwise
    Permission = apps.get_model("auth", "Permission")
    Account = apps.get_model("units", "Account")
    rights = list(
        Permission.objects.filter(
            content_type__app_label="monitoring", content_type__model="lightruledefaults"
        )
    )
    for account in Account.objects.filter(role="admin", user__is_superuser=False).select_related(
        "user"
    ):
        account.user.user_permissions.add(*rights)


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0002_light_rule_defaults"),
        ("units", "0003_separated_admin_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
