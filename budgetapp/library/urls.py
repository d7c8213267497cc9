from django.urls import path

from . import views

app_name = "library"

urlpatterns = [
    path("search/", views.search, name="search"),
    path("proposals/", views.proposals, name="proposals"),
    path("proposals/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
]
