from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "budgetapp.demo"
    verbose_name = "演示数据"
