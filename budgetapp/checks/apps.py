from django.apps import AppConfig


class ChecksConfig(AppConfig):
    name = "budgetapp.checks"
    verbose_name = "智能审核"
    default_auto_field = "django.db.models.BigAutoField"
