"""monitoring's data migration 0003 grants the 系统管理员 already on the books the rights of the
lights' default thresholds (`LightRuleDefaults`) in the admin site, which
`units.admin_rights` gives a new one when the role is set. Run here through the migration
executor, from 0002 to 0003, on a database holding administrators (a fresh database has none,
so `migrate` alone never exercises the grant).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Q

from budgetapp.units.admin_rights import SYSTEM_ADMIN_MODELS, system_admin_permissions
from budgetapp.units.models import RegionLevel, Role

# Schema changes (and SQLite's schema editor) need the database outside the test's transaction.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("monitoring", "0002_light_rule_defaults")]
GRANT = [("monitoring", "0003_grant_light_rules")]
LIGHT_RULES = Q(content_type__app_label="monitoring", content_type__model="lightruledefaults")
LIGHT_RULE_RIGHTS = {
    "add_lightruledefaults",
    "change_lightruledefaults",
    "delete_lightruledefaults",
    "view_lightruledefaults",
}


def _migrate(targets):
    """Migrate to `targets` and return the models as they are there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.fixture
def at_0002() -> Iterator:
    """The database with monitoring at 0002 (0003 undone), put back to the latest state after."""
    yield _migrate(BEFORE)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _accounts(apps, *, light_rule_rights: bool) -> dict[str, int]:
    """Accounts as they were before 0003: a 系统管理员 with the admin-site rights the role gave
    then (every model of SYSTEM_ADMIN_MODELS but the lights' defaults), a 系统管理员 who is also
    the deployment's superuser, and a filer. Without `light_rule_rights` the lights' defaults
    have no permissions yet, as in a database brought from before 0002 in one `migrate` (they
    are created after all migrations, by post_migrate)."""
    User = apps.get_model("auth", "User")
    Account = apps.get_model("units", "Account")
    Permission = apps.get_model("auth", "Permission")
    if not light_rule_rights:
        Permission.objects.filter(LIGHT_RULES).delete()
    then = Q(pk__in=[])
    for label in SYSTEM_ADMIN_MODELS:
        if label != "monitoring.lightruledefaults":
            app_label, model = label.split(".")
            then |= Q(content_type__app_label=app_label, content_type__model=model)
    admin = User.objects.create(username="sys_mgr", is_staff=True)
    admin.user_permissions.add(*Permission.objects.filter(then))
    Account.objects.create(user=admin, role=Role.ADMIN)
    superuser = User.objects.create(username="root", is_staff=True, is_superuser=True)
    Account.objects.create(user=superuser, role=Role.ADMIN)
    region = apps.get_model("units", "Region").objects.create(
        name="山海关区", level=RegionLevel.COUNTY
    )
    unit = apps.get_model("units", "Unit").objects.create(region=region, name="山海关区残联本级")
    filer = User.objects.create(username="filer")
    Account.objects.create(user=filer, role=Role.FILER, unit=unit)
    return {"admin": admin.pk, "superuser": superuser.pk, "filer": filer.pk}


def _light_rule_rights(apps, user_pk: int) -> set[str]:
    Permission = apps.get_model("auth", "Permission")
    return set(
        Permission.objects.filter(LIGHT_RULES, user__pk=user_pk).values_list("codename", flat=True)
    )


@pytest.mark.parametrize("light_rule_rights", [True, False], ids=["rights-exist", "rights-new"])
def test_0003_grants_existing_system_admins_the_light_rule_defaults(at_0002, light_rule_rights):
    pks = _accounts(at_0002, light_rule_rights=light_rule_rights)
    assert _light_rule_rights(at_0002, pks["admin"]) == set()

    apps = _migrate(GRANT)

    assert _light_rule_rights(apps, pks["admin"]) == LIGHT_RULE_RIGHTS
    # what a 系统管理员 given the role today holds (units.admin_rights), no more, no less
    User = apps.get_model("auth", "User")
    granted = set(User.objects.get(pk=pks["admin"]).user_permissions.values_list("pk", flat=True))
    assert granted == {permission.pk for permission in system_admin_permissions()}
    # the superuser has every right already and is left as it is; other roles get nothing
    assert _light_rule_rights(apps, pks["superuser"]) == set()
    assert _light_rule_rights(apps, pks["filer"]) == set()


def test_0003_reverses_as_a_no_op_and_applies_again_idempotently(at_0002):
    pks = _accounts(at_0002, light_rule_rights=True)
    _migrate(GRANT)

    apps = _migrate(BEFORE)  # the reverse: nothing to undo (RunPython.noop)
    # Taking the rights back is left to the admin site: 0002's reverse drops the model itself.
    assert _light_rule_rights(apps, pks["admin"]) == LIGHT_RULE_RIGHTS

    apps = _migrate(GRANT)
    assert _light_rule_rights(apps, pks["admin"]) == LIGHT_RULE_RIGHTS
    User = apps.get_model("auth", "User")
    rights = User.objects.get(pk=pks["admin"]).user_permissions.filter(LIGHT_RULES)
    assert rights.count() == len(LIGHT_RULE_RIGHTS)
