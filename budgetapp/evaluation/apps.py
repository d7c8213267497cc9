from __future__ import annotations

from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "budgetapp.evaluation"
    verbose_name = "绩效自评"

    def ready(self) -> None:
        # The unit books of this stage, offered beside the target tables' (exports/registry.py),
        # the downloads and publishing of one self-evaluation (exports/stages.py) and its
        # 智能审核 rules, handed to checks (both apps sit below this one).
        from budgetapp.checks import registry as checks
        from budgetapp.exports import registry as exports

        from .books import EVALUATION_BOOK, EVALUATION_STAGE, YEAR_BOOK
        from .checks import RULES, STAGE

        exports.register_book(EVALUATION_BOOK)
        exports.register_book(YEAR_BOOK)
        exports.register_stage(EVALUATION_STAGE)
        checks.register_stage(STAGE, RULES)
