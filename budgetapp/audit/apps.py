from __future__ import annotations

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "budgetapp.audit"
    verbose_name = "安全审计"

    def ready(self) -> None:
        # Logins and logouts are announced by django.contrib.auth's own signals: the one place
        # every login path (the login page, the admin, a test client) passes through.
        from . import auth_events

        auth_events.connect()
