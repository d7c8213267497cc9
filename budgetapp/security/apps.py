from __future__ import annotations

from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "budgetapp.security"
    verbose_name = "账户与审计管理"
