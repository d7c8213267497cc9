"""The profile page: a logged-in user sets their own e-mail and phone; every change is recorded
with the old and new value; bad input gets a Chinese message and keeps what was typed."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from budgetapp.units.models import Account, ProfileChange, ProfileField
from budgetapp.units.profile import ProfileError, update_profile

from .conftest import login
from .test_workflow_access import assert_sent_to_login

ROLES = ["owner", "colleague", "reviewer", "other_reviewer", "admin"]


def _url() -> str:
    return reverse("units:profile")


@pytest.mark.parametrize("who", ROLES)
def test_every_role_sees_and_changes_its_own_profile(client, users, who):
    user = users[who]
    login(client, user)

    page = client.get(_url())
    html = page.content.decode()
    assert page.status_code == 200 and html.count("<h1") == 1
    assert '<label class="form-label" for="id_email">电子邮箱</label>' in html
    assert '<label class="form-label" for="id_phone">联系电话</label>' in html
    assert f'href="{_url()}"' in html  # in the navigation

    response = client.post(_url(), {"email": f"{who}@example.org", "phone": "0335-5051234"})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == f"{who}@example.org"
    assert Account.objects.get(user=user).phone == "0335-5051234"
    changes = {c.field: (c.old, c.new) for c in ProfileChange.objects.filter(user=user)}
    assert changes == {
        ProfileField.EMAIL: ("", f"{who}@example.org"),
        ProfileField.PHONE: ("", "0335-5051234"),
    }
    assert all(
        c.changed_by == user and c.client_ip == "127.0.0.1" for c in ProfileChange.objects.all()
    )


def test_anonymous_visitors_are_sent_to_log_in_and_change_nothing(client, users):
    assert_sent_to_login(client.get(_url()))
    assert_sent_to_login(client.post(_url(), {"email": "x@example.org", "phone": ""}))
    assert not ProfileChange.objects.exists()
    assert not get_user_model().objects.filter(email="x@example.org").exists()


def test_a_forged_user_field_changes_only_ones_own_profile(client, users):
    login(client, users["owner"])
    client.post(
        _url(),
        {"email": "owner@example.org", "phone": "", "user": users["colleague"].pk, "username": "x"},
    )

    users["colleague"].refresh_from_db()
    users["owner"].refresh_from_db()
    assert users["colleague"].email == "" and users["owner"].email == "owner@example.org"
    assert users["owner"].username == "owner"


@pytest.mark.parametrize(
    ("email", "phone", "field", "message"),
    [
        ("not-an-address", "", "email", "请输入有效的电子邮箱地址"),
        ("", "abc", "phone", "请输入有效的联系电话"),
        ("", "123", "phone", "请输入有效的联系电话"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_what_was_typed_is_kept(
    client, users, email, phone, field, message
):
    login(client, users["owner"])

    response = client.post(_url(), {"email": email, "phone": phone})

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html and "请按下面的红色提示修改后再保存。" in html
    assert (email or phone) in html  # still in its box
    assert f'aria-describedby="id_{field}-error"' in html and f'id="id_{field}-error"' in html
    assert not ProfileChange.objects.exists()
    users["owner"].refresh_from_db()
    assert users["owner"].email == ""


def test_an_address_another_account_uses_is_refused(client, users):
    users["colleague"].email = "shared@example.org"
    users["colleague"].save()
    login(client, users["owner"])

    html = client.post(_url(), {"email": "Shared@Example.org", "phone": ""}).content.decode()

    assert "此电子邮箱已被其他账户使用" in html
    assert not ProfileChange.objects.exists()


def test_saving_unchanged_values_records_nothing(client, users):
    update_profile(user=users["owner"], email="owner@example.org", phone="13800000000")
    login(client, users["owner"])

    response = client.post(
        _url(), {"email": "owner@example.org", "phone": "13800000000"}, follow=True
    )

    assert "没有修改。" in response.content.decode()
    assert ProfileChange.objects.count() == 2  # the two of the first change only


def test_the_page_lists_ones_own_changes_only(client, users):
    update_profile(user=users["owner"], email="old@example.org", phone="")
    update_profile(user=users["owner"], email="new@example.org", phone="")
    update_profile(user=users["colleague"], email="colleague@example.org", phone="")
    login(client, users["owner"])

    html = client.get(_url()).content.decode()

    assert "old@example.org" in html and "new@example.org" in html
    assert "colleague@example.org" not in html


def test_a_superuser_without_an_account_gets_one_as_administrator(db):
    user = get_user_model().objects.create_superuser("root", password="x")

    update_profile(user=user, email="root@example.org", phone="0335 5051234")

    assert Account.objects.get(user=user).role == "admin"
    assert Account.objects.get(user=user).phone == "0335 5051234"


def test_a_login_without_an_account_cannot_store_a_phone(db):
    user = get_user_model().objects.create_user("plain", password="x")

    with pytest.raises(ProfileError) as refused:
        update_profile(user=user, email="", phone="13800000000")
    assert "phone" in refused.value.errors
    assert not Account.objects.filter(user=user).exists()
