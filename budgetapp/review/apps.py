from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "budgetapp.review"
    verbose_name = "审核流程"
