from __future__ import annotations

from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "budgetapp.monitoring"
    verbose_name = "绩效运行监控"

    def ready(self) -> None:
        # The unit books of this stage, offered beside the target tables' (exports/registry.py).
        from budgetapp.exports.registry import register_book

        from .books import MONITORING_BOOK

        register_book(MONITORING_BOOK)
