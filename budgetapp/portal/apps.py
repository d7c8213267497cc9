from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "budgetapp.portal"
    verbose_name = "公众查询"
