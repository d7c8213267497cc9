from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "budgetapp.evaluation"
    verbose_name = "绩效自评"
