from django.urls import path

from . import blank_views, job_views, stages, views

app_name = "exports"

urlpatterns = [
    path("tables/<str:kind>/<int:pk>/export/<str:fmt>/", views.table_export, name="table"),
    path(
        "units/<int:unit_pk>/<int:year>/book/<str:fmt>/",
        views.unit_book_export,
        name="unit_book",
    ),
    path(
        "units/<int:unit_pk>/<int:year>/book/<str:fmt>/start/",
        views.unit_book_start,
        name="unit_book_start",
    ),
    # The later stages' books and the whole year's (`models.BookContents`), after the two above
    # so that `book/<fmt>/start/` keeps meaning the target tables' book.
    path(
        "units/<int:unit_pk>/<int:year>/book/<str:contents>/<str:fmt>/",
        views.unit_book_export,
        name="unit_stage_book",
    ),
    path(
        "units/<int:unit_pk>/<int:year>/book/<str:contents>/<str:fmt>/start/",
        views.unit_book_start,
        name="unit_stage_book_start",
    ),
    path("review/<int:year>/summary.xlsx", views.city_summary_export, name="city_summary"),
    # One sheet of a later stage, and publishing a self-evaluation: the views are generic
    # (`stages.py`), the stage named here is the one its app registered (`register_stage`).
    path(
        "monitoring/sheets/<int:pk>/export/<str:fmt>/",
        stages.stage_export,
        {"stage": "monitoring"},
        name="monitoring_sheet",
    ),
    path(
        "evaluation/<int:pk>/export/<str:fmt>/",
        stages.stage_export,
        {"stage": "evaluation"},
        name="evaluation",
    ),
    path(
        "stages/evaluation/<int:pk>/publish/",
        stages.stage_publish,
        {"stage": "evaluation"},
        name="evaluation_publish",
    ),
    path("blank/", blank_views.blank_list, name="blank_list"),
    path(
        "blank/<int:year>/<str:layout>/<str:fmt>/",
        blank_views.blank_download,
        name="blank",
    ),
    path("exports/jobs/", job_views.job_start, name="job_start"),
    path("exports/jobs/<int:pk>/", job_views.job_page, name="job"),
    path("exports/jobs/<int:pk>/status/", job_views.job_status, name="job_status"),
    path("exports/jobs/<int:pk>/download/", job_views.job_download, name="job_download"),
]
