from django.urls import path

from . import views

app_name = "guide"

urlpatterns = [
    path("indicators/", views.indicators, name="indicators"),
]
