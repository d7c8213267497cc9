from django.urls import path

from . import views

app_name = "exports"

urlpatterns = [
    path("tables/<str:kind>/<int:pk>/export/<str:fmt>/", views.table_export, name="table"),
]
