from django.apps import AppConfig


class GuideConfig(AppConfig):
    name = "budgetapp.guide"
    verbose_name = "填报帮助"
