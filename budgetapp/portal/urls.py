from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search, name="search"),
    path("regions/<int:pk>/", views.region, name="region"),
    path("units/<int:pk>/", views.unit, name="unit"),
    path("tables/<str:kind>/<int:pk>/", views.table, name="table"),
    path(
        "tables/<str:kind>/<int:pk>/download/<str:fmt>/",
        views.table_download,
        name="table_download",
    ),
    path("units/<int:pk>/<int:year>/book/<str:fmt>/", views.book_download, name="book_download"),
]
