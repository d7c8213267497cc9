from __future__ import annotations

from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "budgetapp.monitoring"
    verbose_name = "绩效运行监控"

    def ready(self) -> None:
        # The unit books of this stage, offered beside the target tables' (exports/registry.py),
        # the downloads of one sheet (exports/stages.py) and its 智能审核 rules, handed to
        # checks (both apps sit below this one).
        from budgetapp.checks import registry as checks
        from budgetapp.exports import registry as exports

        from .books import MONITORING_BOOK, MONITORING_STAGE
        from .checks import RULES, STAGE

        exports.register_book(MONITORING_BOOK)
        exports.register_stage(MONITORING_STAGE)
        checks.register_stage(STAGE, RULES)
