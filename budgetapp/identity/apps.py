from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "budgetapp.identity"
    verbose_name = "身份鉴别与会话"
