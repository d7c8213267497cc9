from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "budgetapp.indicators"
    verbose_name = "指标体系"
