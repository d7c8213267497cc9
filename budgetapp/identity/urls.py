from django.urls import path

from budgetapp.identity import views, views_otp, views_password

app_name = "identity"

urlpatterns = [
    path("password/", views_password.password_change, name="password_change"),
    path("otp/", views_otp.otp_verify, name="otp_verify"),
    path("otp/setup/", views_otp.otp_setup, name="otp_setup"),
    path("otp/accounts/", views_otp.otp_accounts, name="otp_accounts"),
    path("otp/accounts/<int:user_id>/reset/", views_otp.otp_reset, name="otp_reset"),
    path("session/extend/", views.session_extend, name="session_extend"),
    path("locks/", views.locks, name="locks"),
    path("locks/unlock/", views.unlock, name="unlock"),
]
