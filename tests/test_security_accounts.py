"""Account management on app pages: the 安全管理员 for every unit, a city's reviewer for its
subtree; every change is on the audit record, nobody grants themselves anything."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from budgetapp.audit.log import verify_chain
from budgetapp.audit.models import AuditEvent, EventKind
from budgetapp.security import services
from budgetapp.security.one_time import needs_new_password
from budgetapp.units.models import Account, Role

from .conftest import PASSWORD, login
from .security_cast import make_staff


@pytest.fixture
def staff(users) -> dict:
    return make_staff(users)


User = get_user_model()


def _new_account_post(unit, **overrides) -> dict:
    data = {
        "username": "zhangsan",
        "full_name": "张三",
        "phone": "0335-5059999",
        "role": Role.FILER,
        "unit": unit.pk,
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_a_city_reviewer_creates_a_filer_in_its_subtree(
    client, staff, tree, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the chain's anchors
        login(client, staff["reviewer"])
        response = client.post(reverse("security:account_new"), _new_account_post(tree["own"]))
    assert response.status_code == 200
    password = response.context["password"]
    assert password in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    account = Account.objects.get(user__username="zhangsan")
    assert (account.role, account.unit, account.user.first_name, account.phone) == (
        Role.FILER,
        tree["own"],
        "张三",
        "0335-5059999",
    )
    assert account.user.check_password(password)
    assert needs_new_password(account.user)
    event = AuditEvent.objects.get(kind=EventKind.ACCOUNT_CHANGE)
    assert event.username == "reviewer"
    assert event.details["new"]["username"] == "zhangsan"
    assert verify_chain().ok


@pytest.mark.django_db
def test_a_city_reviewer_cannot_put_an_account_outside_its_city(client, staff, tree):
    login(client, staff["reviewer"])
    response = client.post(reverse("security:account_new"), _new_account_post(tree["other_city"]))
    assert response.status_code == 200
    assert "form-errors" in response.content.decode()
    assert not User.objects.filter(username="zhangsan").exists()


@pytest.mark.django_db
def test_a_city_reviewer_cannot_grant_an_admin_role(client, staff, tree):
    login(client, staff["reviewer"])
    for role in (Role.ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN):
        data = _new_account_post(tree["own"], role=role)
        response = client.post(reverse("security:account_new"), data)
        assert response.status_code == 200
        assert response.context["form"].errors["role"]
    assert not User.objects.filter(username="zhangsan").exists()


@pytest.mark.django_db
def test_nobody_changes_their_own_account(client, staff):
    for who in ("reviewer", "security"):
        login(client, staff[who])
        own = staff[who].account
        url = reverse("security:account_edit", args=[own.pk])
        response = client.post(url, {"full_name": "x", "phone": "13800000000", "role": "admin"})
        assert response.status_code == 404
        own.refresh_from_db()
        assert own.role != Role.ADMIN


@pytest.mark.django_db
def test_the_security_admin_cannot_make_another_security_admin(staff, tree):
    data = services.AccountData(
        full_name="李四", phone="13800000000", unit=None, role=Role.SECURITY_ADMIN
    )
    with pytest.raises(services.AccountError) as caught:
        services.create_account(manager=staff["security"], username="lisi", data=data)
    assert "role" in caught.value.errors
    assert not User.objects.filter(username="lisi").exists()


@pytest.mark.django_db
def test_a_role_change_is_recorded_with_old_and_new_values_and_moves_admin_rights(staff, tree):
    owner = staff["owner"].account
    data = services.AccountData(full_name="王五", phone="13800000000", unit=None, role=Role.ADMIN)
    services.update_account(manager=staff["security"], account=owner, data=data, ip="192.0.2.5")
    owner.refresh_from_db()
    owner.user.refresh_from_db()
    assert owner.role == Role.ADMIN and owner.unit is None
    assert owner.user.is_staff
    assert owner.user.has_perm("units.change_region")
    assert not owner.user.has_perm("auth.change_user")
    event = AuditEvent.objects.get(kind=EventKind.ROLE_CHANGE)
    assert event.details["changes"]["role"] == {"old": "filer", "new": "admin"}
    assert event.client_ip == "192.0.2.5"
    back = services.AccountData(
        full_name="王五", phone="13800000000", unit=tree["own"], role=Role.FILER
    )
    services.update_account(manager=staff["security"], account=owner, data=back)
    owner.user.refresh_from_db()
    assert not owner.user.is_staff and not owner.user.user_permissions.exists()


@pytest.mark.django_db
def test_every_account_names_a_person_with_a_phone(staff, tree):
    data = services.AccountData(full_name=" ", phone="", unit=tree["own"], role=Role.FILER)
    with pytest.raises(services.AccountError) as caught:
        services.create_account(manager=staff["security"], username="nobody", data=data)
    assert {"full_name", "phone"} <= caught.value.errors.keys()


@pytest.mark.django_db
def test_a_disabled_account_cannot_log_in_and_the_change_is_recorded(client, staff):
    login(client, staff["reviewer"])
    owner = staff["owner"].account
    response = client.post(reverse("security:account_active", args=[owner.pk]), {"active": "0"})
    assert response.status_code == 302
    owner.user.refresh_from_db()
    assert not owner.user.is_active
    client.logout()
    client.post(reverse("login"), {"username": "owner", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.filter(kind=EventKind.ACCOUNT_CHANGE).latest("id")
    assert event.details["action"] == "disable"


@pytest.mark.django_db
def test_a_password_reset_gives_a_one_time_password(client, staff):
    login(client, staff["security"])
    owner = staff["owner"]
    response = client.post(reverse("security:account_reset_password", args=[owner.account.pk]))
    assert response.status_code == 200
    password = response.context["password"]
    owner.refresh_from_db()
    assert owner.check_password(password) and not owner.check_password(PASSWORD)
    assert needs_new_password(owner)
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(kind=EventKind.PASSWORD_RESET)
    assert password not in str(event.details)


@pytest.mark.django_db
def test_one_time_passwords_meet_the_policy():
    for _ in range(50):
        password = services.generate_one_time_password()
        classes = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        assert len(password) >= 10 and all(classes)


@pytest.mark.django_db
def test_the_list_shows_only_the_managers_subtree(client, staff):
    login(client, staff["reviewer"])
    page = client.get(reverse("security:accounts")).content.decode()
    assert 'data-account="owner"' in page and 'data-account="colleague"' in page
    assert 'data-account="other_reviewer"' not in page
    assert 'data-account="reviewer"' not in page  # not their own
    login(client, staff["security"])
    page = client.get(reverse("security:accounts")).content.decode()
    assert 'data-account="other_reviewer"' in page and 'data-account="secadmin"' not in page


def _admin_add(client, **fields) -> object:
    data = {
        "username": "wangwu",
        "first_name": "王五",
        "password1": "Chushi-mima-9",
        "password2": "Chushi-mima-9",
        "usable_password": "true",
        "account-TOTAL_FORMS": "1",
        "account-INITIAL_FORMS": "0",
        "account-0-role": Role.FILER,
        "account-0-phone": "0335-5050000",
    }
    data.update(fields)
    return client.post(reverse("admin:auth_user_add"), {k: v for k, v in data.items() if v})


@pytest.mark.django_db
def test_the_django_admin_also_asks_for_a_named_person(client, staff, tree):
    """The deployment superuser's user pages keep the rule of the account pages."""
    login(client, staff["admin"])
    unit = str(tree["own"].pk)
    for missing, message in [
        ({"first_name": ""}, "这个字段是必填项"),
        ({"account-0-phone": "", "account-0-unit": unit}, "请填写联系电话"),
        ({"account-0-unit": ""}, "请选择所属单位"),
        ({"account-TOTAL_FORMS": "0", "account-0-role": "", "account-0-phone": ""}, "具体的人"),
    ]:
        response = _admin_add(client, **{"account-0-unit": unit, **missing})
        assert response.status_code == 200, missing
        assert message in response.content.decode(), missing
        assert not User.objects.filter(username="wangwu").exists()
    response = _admin_add(client, **{"account-0-unit": unit})
    assert response.status_code == 302
    account = Account.objects.get(user__username="wangwu")
    assert (account.user.first_name, account.phone, account.unit) == (
        "王五",
        "0335-5050000",
        tree["own"],
    )
    # An audit administrator works across the province: no unit needed.
    response = _admin_add(client, username="zhaoliu", **{"account-0-role": Role.AUDIT_ADMIN})
    assert response.status_code == 302


@pytest.mark.django_db
def test_the_security_admins_pages_share_tabs_a_city_reviewer_does_not_see(client, staff):
    locks, devices = reverse("identity:locks"), reverse("identity:otp_accounts")
    login(client, staff["security"])
    for url, current in [
        (reverse("security:accounts"), "账户"),
        (locks, "登录锁定"),
        (devices, "双因素认证"),
    ]:
        page = client.get(url).content.decode()
        assert f'href="{locks}"' in page and f'href="{devices}"' in page
        assert f'aria-current="page">{current}</a>' in page
    client.logout()
    login(client, staff["reviewer"])
    page = client.get(reverse("security:accounts")).content.decode()
    assert f'href="{locks}"' not in page and f'href="{devices}"' not in page
