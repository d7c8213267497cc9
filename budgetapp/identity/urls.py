from django.urls import path

from budgetapp.identity import views, views_password

app_name = "identity"

urlpatterns = [
    path("password/", views_password.password_change, name="password_change"),
    path("locks/", views.locks, name="locks"),
    path("locks/unlock/", views.unlock, name="unlock"),
]
