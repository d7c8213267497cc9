from django.apps import AppConfig


class LayoutsConfig(AppConfig):
    name = "budgetapp.layouts"
    verbose_name = "官方版式"
