from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "budgetapp.units"
    verbose_name = "单位与账户"
