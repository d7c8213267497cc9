from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "budgetapp.monitoring"
    verbose_name = "绩效运行监控"
