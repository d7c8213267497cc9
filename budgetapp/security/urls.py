from __future__ import annotations

from django.urls import path

from . import views_accounts, views_audit

app_name = "security"

urlpatterns = [
    path("accounts/", views_accounts.account_list, name="accounts"),
    path("accounts/new/", views_accounts.account_new, name="account_new"),
    path("accounts/<int:pk>/", views_accounts.account_edit, name="account_edit"),
    path("accounts/<int:pk>/active/", views_accounts.account_set_active, name="account_active"),
    path(
        "accounts/<int:pk>/reset-password/",
        views_accounts.account_reset_password,
        name="account_reset_password",
    ),
    path("audit/", views_audit.audit_log, name="audit_log"),
    path("audit/download.<str:fmt>", views_audit.audit_download, name="audit_download"),
]
