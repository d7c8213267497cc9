from django.apps import AppConfig


class TargetsConfig(AppConfig):
    name = "budgetapp.targets"
    verbose_name = "绩效目标表"
