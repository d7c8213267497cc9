from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "budgetapp.core"
    verbose_name = "公共"

    def ready(self) -> None:
        from .admin_names import name_third_party_models

        name_third_party_models()
