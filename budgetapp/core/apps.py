from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "budgetapp.core"
    verbose_name = "公共"
