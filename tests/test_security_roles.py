"""Role × URL matrix of 三权分立 and the account pages: each admin role is refused the others'
pages; anonymous visitors are sent to log in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from .conftest import login
from .security_cast import make_staff


@pytest.fixture
def staff(users) -> dict:
    return make_staff(users)


ROLES = ["owner", "reviewer", "other_reviewer", "security", "auditor", "system", "admin"]

# page → expected status per role (admin = the Django superuser, for deployment only).
MATRIX: dict[str, dict[str, int]] = {
    "accounts": dict(zip(ROLES, [403, 200, 200, 200, 403, 403, 403], strict=True)),
    "account_new": dict(zip(ROLES, [403, 200, 200, 200, 403, 403, 403], strict=True)),
    "owner_account": dict(zip(ROLES, [403, 200, 404, 200, 403, 403, 403], strict=True)),
    "audit_log": dict(zip(ROLES, [403, 403, 403, 403, 200, 403, 403], strict=True)),
    "audit_csv": dict(zip(ROLES, [403, 403, 403, 403, 200, 403, 403], strict=True)),
    # Table content: the 安全管理员 and the 审计管理员 see none.
    "owner_table": dict(zip(ROLES, [200, 200, 404, 404, 404, 200, 200], strict=True)),
    # The Django admin: only the 系统管理员 (and the superuser) get in, and only to their models.
    "admin_regions": dict(zip(ROLES, [302, 302, 302, 302, 302, 200, 200], strict=True)),
    "admin_rules": dict(zip(ROLES, [302, 302, 302, 302, 302, 200, 200], strict=True)),
    "admin_users": dict(zip(ROLES, [302, 302, 302, 302, 302, 403, 200], strict=True)),
    "admin_accounts": dict(zip(ROLES, [302, 302, 302, 302, 302, 403, 200], strict=True)),
    # Unlocks and two-factor resets (identity app): the 安全管理员's, not the 系统管理员's.
    "login_locks": dict(zip(ROLES, [403, 403, 403, 200, 403, 403, 200], strict=True)),
    "otp_accounts": dict(zip(ROLES, [403, 403, 403, 200, 403, 403, 200], strict=True)),
}


def _url(page: str, staff, project) -> str:
    return {
        "accounts": reverse("security:accounts"),
        "account_new": reverse("security:account_new"),
        "owner_account": reverse("security:account_edit", args=[staff["owner"].account.pk]),
        "audit_log": reverse("security:audit_log"),
        "audit_csv": reverse("security:audit_download", args=["csv"]),
        "owner_table": reverse("review:table", args=["project", project.pk]),
        "admin_regions": reverse("admin:units_region_changelist"),
        "admin_rules": reverse("admin:checks_checkrule_changelist"),
        "admin_users": reverse("admin:auth_user_changelist"),
        "admin_accounts": reverse("admin:units_account_changelist"),
        "login_locks": reverse("identity:locks"),
        "otp_accounts": reverse("identity:otp_accounts"),
    }[page]


CASES = [(page, who, status) for page, row in MATRIX.items() for who, status in row.items()]


@pytest.mark.django_db
@pytest.mark.parametrize(("page", "who", "expected"), CASES)
def test_role_url_matrix(client, staff, project, page, who, expected):
    login(client, staff[who])
    response = client.get(_url(page, staff, project))
    assert response.status_code == expected, (page, who)
    if expected == 302:
        assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("page", list(MATRIX))
def test_anonymous_visitors_are_sent_to_log_in(client, staff, project, page):
    response = client.get(_url(page, staff, project))
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["owner", "auditor", "system", "admin", "other_reviewer"])
def test_refused_account_writes_change_nothing(client, staff, who):
    owner = staff["owner"]
    login(client, staff[who])
    account_pk = owner.account.pk
    responses = [
        client.post(reverse("security:account_active", args=[account_pk]), {"active": "0"}),
        client.post(reverse("security:account_reset_password", args=[account_pk])),
        client.post(
            reverse("security:account_edit", args=[account_pk]),
            {"full_name": "x", "phone": "13800000000", "role": "admin"},
        ),
    ]
    assert all(r.status_code in (403, 404) for r in responses)
    owner.refresh_from_db()
    owner.account.refresh_from_db()
    assert owner.is_active and owner.account.role == "filer"
    assert owner.check_password("pw-for-tests-1")
