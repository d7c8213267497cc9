from __future__ import annotations

from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "budgetapp.monitoring"
    verbose_name = "绩效运行监控"

    def ready(self) -> None:
        # The unit books of this stage, offered beside the target tables' (exports/registry.py),
        # and its 智能审核 rules, handed to checks (both apps sit below this one).
        from budgetapp.checks.registry import register_stage
        from budgetapp.exports.registry import register_book

        from .books import MONITORING_BOOK
        from .checks import RULES, STAGE

        register_book(MONITORING_BOOK)
        register_stage(STAGE, RULES)
