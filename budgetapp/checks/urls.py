from __future__ import annotations

from django.urls import path

from . import views

app_name = "checks"

urlpatterns = [
    path("live/<str:kind>/<int:pk>/", views.live, name="live"),
    path("live/<str:kind>/new/<int:year>/", views.live_new, name="live_new"),
]
