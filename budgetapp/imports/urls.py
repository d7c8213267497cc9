from django.urls import path

from . import stage_views, views

app_name = "imports"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("<int:pk>/", views.preview, name="preview"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("stages/<str:kind>/<int:pk>/", stage_views.stage_import, name="stage"),
    path(
        "stages/<str:kind>/<int:pk>/confirm/",
        stage_views.stage_import_confirm,
        name="stage_confirm",
    ),
]
