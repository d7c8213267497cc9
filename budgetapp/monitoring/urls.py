from django.urls import path

from . import downloads, views

app_name = "monitoring"

urlpatterns = [
    path("", views.index, name="index"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("rounds/new/", views.round_new, name="round_new"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/rules/", views.round_rules, name="round_rules"),
    path("rounds/<int:pk>/summary/<str:fmt>/", downloads.round_summary, name="round_summary"),
    path("sheets/<int:pk>/", views.sheet, name="sheet"),
    path("sheets/<int:pk>/<str:action>/", views.sheet_action, name="sheet_action"),
]
