from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search, name="search"),
    path("feed/", views.feed, name="feed"),
    path("regions/<int:pk>/", views.region, name="region"),
    path("regions/<int:pk>/feed/", views.region_feed, name="region_feed"),
    path("units/<int:pk>/", views.unit, name="unit"),
    path("units/<int:pk>/<int:year>/", views.unit_year, name="unit_year"),
    path("units/<int:pk>/<int:year>/book/<str:fmt>/", views.book_download, name="book_download"),
    path("units/<int:pk>/<int:year>/zip/", views.book_zip, name="book_zip"),
    path("tables/<str:kind>/<int:pk>/", views.table, name="table"),
    path(
        "tables/<str:kind>/<int:pk>/download/<str:fmt>/",
        views.table_download,
        name="table_download",
    ),
    path("tables/<str:kind>/<int:pk>/v/<int:number>/", views.version, name="version"),
    path(
        "tables/<str:kind>/<int:pk>/v/<int:number>/download/<str:fmt>/",
        views.version_download,
        name="version_download",
    ),
]
