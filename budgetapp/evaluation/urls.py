from django.urls import path

from . import downloads, views

app_name = "evaluation"

urlpatterns = [
    path("", views.index, name="index"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("start/<int:table_pk>/", views.start, name="start"),
    path("summary/<int:year>/<str:fmt>/", downloads.city_summary, name="city_summary"),
    path("<int:pk>/", views.sheet, name="sheet"),
    path("<int:pk>/<str:action>/", views.action, name="action"),
]
