from django.urls import path

from budgetapp.identity import views

app_name = "identity"

urlpatterns = [
    path("locks/", views.locks, name="locks"),
    path("locks/unlock/", views.unlock, name="unlock"),
]
